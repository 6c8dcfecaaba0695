// The archive's names and contents: WAL segment and history names, LSNs,
// the helper's listing, and what a replay from a backup would lack.

#include "cluster/archive/archive_listing.h"

#include <catch2/catch.hpp>

#include "cluster/archive/wal_names.h"

using namespace pgdecl::engine;

namespace {

ArchiveListing listing_of(std::initializer_list<const char*> names) {
  ArchiveListing out;
  for (const char* name : names) out.wal.push_back({name, kWalSegmentBytes, 0});
  return out;
}

}  // namespace

TEST_CASE("segment names carry the timeline and the segment number", "[archive]") {
  auto name = parse_segment_name("00000002000000010000000A");
  REQUIRE(name);
  CHECK(name->timeline == 2);
  CHECK(name->segment == 256 + 10);
  CHECK_FALSE(name->partial);
  CHECK(segment_file_name(2, 266) == "00000002000000010000000A");
  auto partial = parse_segment_name("000000010000000000000003.partial");
  REQUIRE(partial);
  CHECK(partial->partial);
  CHECK(partial->segment == 3);
  CHECK_FALSE(parse_segment_name("00000001000000000000003"));   // one digit short
  CHECK_FALSE(parse_segment_name("000000010000000000000100"));  // low half past 0xFF
  CHECK_FALSE(parse_segment_name("00000000000000000000000A"));  // timeline 0
  CHECK_FALSE(parse_segment_name("0000000100000000000000zz"));
  CHECK(parse_history_name("00000002.history") == 2u);
  CHECK_FALSE(parse_history_name("00000002.partial"));
}

TEST_CASE("LSNs read and written as PostgreSQL does", "[archive]") {
  CHECK(parse_lsn("0/3000028") == 0x3000028LL);
  CHECK(parse_lsn("1/a0") == (1LL << 32) + 0xA0);
  CHECK(format_lsn(0x3000028LL) == "0/3000028");
  CHECK(format_lsn((5LL << 32) + 0xFF) == "5/FF");
  CHECK_FALSE(parse_lsn("3000028"));
  CHECK_FALSE(parse_lsn("0/"));
  CHECK_FALSE(parse_lsn("0/123456789"));
  CHECK(segment_of(0x3000028LL) == 3);
}

TEST_CASE("the helper's listing is read line by line", "[archive]") {
  auto listing = parse_archive_listing(
      "backup {\"id\":\"20261208T041519Z\",\"node\":\"replica1\",\"start_lsn\":\"0/3000028\","
      "\"end_lsn\":\"0/30000D8\",\"timeline\":1,\"bytes\":40265318,\"verified\":true}\n"
      "running 20261208T050000Z.running\n"
      "wal 000000010000000000000004 16777216 1765170919.5\n"
      "wal 000000010000000000000003 16777216 1765170900.25\n");
  REQUIRE(listing);
  REQUIRE(listing->backups.size() == 1);
  CHECK(listing->backups[0].node == "replica1");
  CHECK(listing->backups[0].verified);
  CHECK(listing->unfinished == std::vector<std::string>{"20261208T050000Z.running"});
  REQUIRE(listing->wal.size() == 2);
  CHECK(listing->wal[0].name == "000000010000000000000003");  // sorted
  CHECK(listing->wal[1].modified == Approx(1765170919.5));
  auto bad = parse_archive_listing("find: permission denied\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message().find("find: permission denied") != std::string::npos);
}

TEST_CASE("a replay lacks nothing when every segment is there", "[archive]") {
  auto archive = listing_of(
      {"000000010000000000000003", "000000010000000000000004", "000000010000000000000005.partial"});
  CHECK(wal_gaps(archive, 0x3000028LL).empty());
}

TEST_CASE("a missing segment is a gap, named", "[archive]") {
  auto archive = listing_of({"000000010000000000000003", "000000010000000000000006"});
  auto gaps = wal_gaps(archive, 0x3000028LL);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0] == "segments 0000000000000004 to 0000000000000005 are missing");
}

TEST_CASE("a .partial segment counts only as the archive's last", "[archive]") {
  // Timeline 1 ended inside segment 4; timeline 2 carries it on whole.
  auto crossed = listing_of({"000000010000000000000003", "000000010000000000000004.partial",
                             "00000002.history", "000000020000000000000004", "000000020000000000000005"});
  CHECK(wal_gaps(crossed, 0x3000028LL).empty());
  auto lost = listing_of(
      {"000000010000000000000003", "000000010000000000000004.partial", "000000020000000000000005"});
  CHECK(wal_gaps(lost, 0x3000028LL).size() == 1);
  CHECK(newest_timeline(crossed) == 2);
  CHECK(newest_segment(crossed)->name == "000000020000000000000005");
}

TEST_CASE("WAL that starts after the backup is a gap too", "[archive]") {
  auto archive = listing_of({"000000010000000000000007"});
  CHECK(wal_gaps(archive, 0x3000028LL).size() == 1);
  CHECK(wal_gaps(listing_of({}), 0x3000028LL) ==
        std::vector<std::string>{"the archive holds no WAL from 0/3000028 on"});
}

TEST_CASE("the archive's problems: unverified, cut short, missing WAL", "[archive]") {
  auto archive = listing_of({"000000010000000000000003", "000000010000000000000005"});
  archive.backups.push_back({"20261208T041519Z", "replica1", "", "", "0/3000028", "0/30000D8", 1, 1, false,
                             "", "checksum mismatch for file base/1/1259"});
  archive.unfinished.push_back("20261208T050000Z.running");
  auto problems = archive_problems(archive);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == "backup 20261208T041519Z failed verification: checksum mismatch for file base/1/1259");
  CHECK(problems[1].find("cut short") != std::string::npos);
  CHECK(problems[2] ==
        "WAL after backup 20261208T041519Z: segments 0000000000000004 to 0000000000000004 are missing");
}
