// Which backup a restore starts from, and when the archive cannot reach
// the target: no verified backup before it, a gap, a target past its WAL.

#include <catch2/catch.hpp>

#include "cluster/archive/restore_choice.h"
#include "cluster/archive/wal_names.h"

using namespace pgdecl;
using namespace pgdecl::engine;

namespace {

BackupRecord backup(const std::string& id, const std::string& ended, const std::string& start,
                    const std::string& end, bool verified = true) {
  BackupRecord record;
  record.id = id;
  record.node = "replica1";
  record.ended = ended;
  record.start_lsn = start;
  record.end_lsn = end;
  record.timeline = 1;
  record.verified = verified;
  record.problem = verified ? "" : "checksum mismatch";
  return record;
}

// Two backups, segments 3 to 6 written until 10:00:00 UTC.
ArchiveListing archive() {
  ArchiveListing out;
  out.backups = {backup("20261208T080000Z", "2026-12-08T08:00:01.5Z", "0/3000028", "0/3000100"),
                 backup("20261208T090000Z", "2026-12-08T09:00:01.5Z", "0/5000028", "0/5000100")};
  const double ten = *utc_seconds("2026-12-08T10:00:00Z");
  for (const char* name : {"000000010000000000000003", "000000010000000000000004", "000000010000000000000005",
                           "000000010000000000000006.partial"})
    out.wal.push_back({name, kWalSegmentBytes, ten});
  return out;
}

spec::RestoreSpec at_time(const std::string& utc) {
  spec::RestoreSpec restore;
  restore.declared = true;
  restore.target = spec::RecoveryTargetKind::kTime;
  restore.target_time = utc;
  restore.target_time_point =
      std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<long long>(*utc_seconds(utc))));
  return restore;
}

}  // namespace

TEST_CASE("latest is the newest verified backup that ends before the target", "[archive]") {
  auto choice = choose_restore(archive(), at_time("2026-12-08T08:30:00Z"));
  REQUIRE(choice);
  CHECK(choice->backup.id == "20261208T080000Z");
  CHECK(choice->first_segment == "000000010000000000000003");
  CHECK(choice->last_segment == "000000010000000000000006.partial");
  CHECK(choice->description.find("replayed to the time 2026-12-08T08:30:00Z") != std::string::npos);
  auto later = choose_restore(archive(), at_time("2026-12-08T09:30:00Z"));
  REQUIRE(later);
  CHECK(later->backup.id == "20261208T090000Z");
  spec::RestoreSpec end;
  end.declared = true;
  CHECK(choose_restore(archive(), end)->backup.id == "20261208T090000Z");
}

TEST_CASE("a backup that failed verification is passed over, and named when asked for", "[archive]") {
  ArchiveListing listing = archive();
  listing.backups[1].verified = false;
  listing.backups[1].problem = "checksum mismatch";
  CHECK(choose_restore(listing, at_time("2026-12-08T09:30:00Z"))->backup.id == "20261208T080000Z");
  spec::RestoreSpec named = at_time("2026-12-08T09:30:00Z");
  named.backup = "20261208T090000Z";
  auto refused = choose_restore(listing, named);
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message() ==
        "backup 20261208T090000Z failed verification (checksum mismatch): it is not restored from");
}

TEST_CASE("a target no backup ends before is refused", "[archive]") {
  auto refused = choose_restore(archive(), at_time("2026-12-08T08:00:01Z"));
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message() ==
        "no verified backup in the archive ends before the time 2026-12-08T08:00:01Z; the oldest ends at "
        "2026-12-08T08:00:01.5Z");
}

TEST_CASE("a gap after the backup is refused, naming the segments", "[archive]") {
  ArchiveListing listing = archive();
  listing.wal.erase(listing.wal.begin() + 1);  // segment 4
  auto refused = choose_restore(listing, at_time("2026-12-08T08:30:00Z"));
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message() ==
        "the archive's WAL after backup 20261208T080000Z has a gap: segments 0000000000000004 to "
        "0000000000000004 are missing");
  // The newer backup starts after the gap.
  CHECK(choose_restore(listing, at_time("2026-12-08T09:30:00Z")));
}

TEST_CASE("a target past the archive's newest WAL is refused", "[archive]") {
  auto refused = choose_restore(archive(), at_time("2026-12-08T11:00:00Z"));
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message().find("was written at 2026-12-08 10:00:00+00, before the time") !=
        std::string::npos);
  spec::RestoreSpec lsn;
  lsn.declared = true;
  lsn.target = spec::RecoveryTargetKind::kLsn;
  lsn.target_lsn = "0/9000000";
  CHECK_FALSE(choose_restore(archive(), lsn));
  lsn.target_lsn = "0/5800000";
  CHECK(choose_restore(archive(), lsn)->backup.id == "20261208T090000Z");
  lsn.target_lsn = "0/5000050";  // inside the newer backup: only the older one ends before it
  CHECK(choose_restore(archive(), lsn)->backup.id == "20261208T080000Z");
}
