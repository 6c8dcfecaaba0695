// Which backups retention removes, and the WAL the oldest kept one needs.

#include <catch2/catch.hpp>

#include "cluster/archive/restore_choice.h"
#include "cluster/archive/retention.h"

using namespace pgdecl;
using namespace pgdecl::engine;

namespace {

// Four backups a day apart, ending at noon on the 1st to the 4th; the
// first in segment 2, each next two segments on.
ArchiveListing four_backups() {
  ArchiveListing archive;
  for (int day = 1; day <= 4; ++day) {
    BackupRecord record;
    record.id = "2026120" + std::to_string(day) + "T120000Z";
    record.ended = "2026-12-0" + std::to_string(day) + "T12:00:00Z";
    record.start_lsn = "0/" + std::to_string(2 * day) + "000028";
    record.timeline = day < 3 ? 1 : 2;
    record.verified = true;
    archive.backups.push_back(record);
  }
  return archive;
}

double at(const std::string& utc) { return *utc_seconds(utc); }

}  // namespace

TEST_CASE("count keeps the newest backups and the WAL from the oldest kept", "[archive]") {
  auto decision = decide_retention(four_backups(), {2, 0}, at("2026-12-05T00:00:00Z"));
  CHECK(decision.remove == std::vector<std::string>{"20261201T120000Z", "20261202T120000Z"});
  // The third starts in segment 6, on timeline 2.
  CHECK(decision.oldest_needed_segment == "000000020000000000000006");
}

TEST_CASE("days keep every backup younger, and either limit keeps a backup", "[archive]") {
  auto by_age = decide_retention(four_backups(), {0, 2}, at("2026-12-04T11:00:00Z"));
  CHECK(by_age.remove == std::vector<std::string>{"20261201T120000Z"});
  auto either = decide_retention(four_backups(), {1, 3}, at("2026-12-04T11:00:00Z"));
  CHECK(either.remove.empty());
}

TEST_CASE("no limits keep everything, and the WAL before the oldest backup goes", "[archive]") {
  auto decision = decide_retention(four_backups(), {0, 0}, at("2027-01-01T00:00:00Z"));
  CHECK(decision.remove.empty());
  CHECK(decision.oldest_needed_segment == "000000010000000000000002");
}

TEST_CASE("the newest verified backup stays whatever the limits", "[archive]") {
  auto archive = four_backups();
  archive.backups[3].verified = false;
  auto decision = decide_retention(archive, {1, 0}, at("2026-12-05T00:00:00Z"));
  // The newest (unverified) is the one the count keeps; the third is the
  // newest that can be restored from.
  CHECK(decision.remove == std::vector<std::string>{"20261201T120000Z", "20261202T120000Z"});
  CHECK(decision.oldest_needed_segment == "000000020000000000000006");
  CHECK_FALSE(decide_retention(ArchiveListing{}, {1, 0}, 0).oldest_needed_segment);
}
