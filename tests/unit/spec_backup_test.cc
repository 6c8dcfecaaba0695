// The backup: and restore: sections: what is read from them, their
// defaults, and every problem reported at its place.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cluster/spec/loader.h"

namespace fs = std::filesystem;
using namespace std::chrono;
using pgdecl::Diagnostic;
using pgdecl::Diagnostics;
using pgdecl::spec::BackupSource;
using pgdecl::spec::ClusterSpec;
using pgdecl::spec::RecoveryTargetKind;

namespace {

const fs::path kSpecFile = "/project/specs/test.yaml";

// A master and what backup needs of the rest of the spec; the section
// under test is appended (from line 16 on).
const std::string kBase = R"(version: 1
name: demo
images:
  postgres:
    tag: postgres:15
volumes:
  master_data: {}
  backups: {}
master:
  image: postgres
  volume: master_data
replication:
  user: replicator
roles:
  - { name: replicator, login: true, replication: true, password: { generate: true } }
)";

ClusterSpec load_ok(const std::string& section) {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_text(kBase + section, kSpecFile, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec.has_value());
  CHECK(diagnostics.all().empty());
  return *spec;
}

// "line:col: error: message (did you mean ...?)", each error of the spec.
std::vector<std::string> errors_of(const std::string& text) {
  Diagnostics diagnostics;
  CHECK_FALSE(pgdecl::spec::load_spec_text(text, kSpecFile, diagnostics).has_value());
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics.all()) {
    if (d.severity == Diagnostic::Severity::kError)
      out.push_back(d.to_string().substr(kSpecFile.string().size() + 1));
  }
  return out;
}

std::vector<std::string> errors_with(const std::string& section) { return errors_of(kBase + section); }

ClusterSpec restore_to(const std::string& target) {
  return load_ok("restore:\n  volume: old-backups\n  target: " + target + "\n");
}

std::string error_at_target(const std::string& target) {
  auto errors = errors_with("restore:\n  volume: old-backups\n  target: " + target + "\n");
  REQUIRE(errors.size() == 1);
  return errors[0];
}

}  // namespace

TEST_CASE("a spec without backup or restore declares neither", "[spec][backup]") {
  ClusterSpec spec = load_ok("");
  CHECK_FALSE(spec.backup.declared);
  CHECK_FALSE(spec.restore.declared);
}

TEST_CASE("a backup section with a volume alone gets the defaults", "[spec][backup]") {
  ClusterSpec spec = load_ok("backup:\n  volume: backups\n");
  CHECK(spec.backup.declared);
  CHECK(spec.backup.pos.line == 16);
  CHECK(spec.backup.pos.column == 1);
  CHECK(spec.backup.volume == "backups");
  CHECK(spec.backup.directory.empty());
  CHECK_FALSE(spec.backup.synchronous);
  CHECK(spec.backup.from == BackupSource::kReplica);
  CHECK_FALSE(spec.backup.schedule.has_value());
  CHECK(spec.backup.retention.count == 7);
  CHECK(spec.backup.retention.days == 0);
}

TEST_CASE("every key of backup is read", "[spec][backup]") {
  ClusterSpec spec = load_ok(R"(backup:
  directory: /srv/pg-archive
  synchronous: true
  from: primary
  schedule: 7d
  retention:
    count: 0
    days: 14
)");
  CHECK(spec.backup.volume.empty());
  CHECK(spec.backup.directory == fs::path("/srv/pg-archive"));
  CHECK(spec.backup.synchronous);
  CHECK(spec.backup.from == BackupSource::kPrimary);
  CHECK(spec.backup.schedule == seconds(7 * 86400));
  CHECK(spec.backup.retention.count == 0);
  CHECK(spec.backup.retention.days == 14);
}

TEST_CASE("a backup schedule is a whole number of s, m, h or d", "[spec][backup]") {
  auto schedule_of = [](const std::string& text) {
    return load_ok("backup:\n  volume: backups\n  schedule: " + text + "\n").backup.schedule;
  };
  CHECK(schedule_of("30s") == seconds(30));
  CHECK(schedule_of("15m") == seconds(15 * 60));
  CHECK(schedule_of("24h") == seconds(24 * 3600));
  CHECK(schedule_of("7d") == seconds(7 * 86400));
  const std::string expected =
      "18:13: error: expected a duration such as 24h (a whole number with s, m, h or d), got ";
  CHECK(errors_with("backup:\n  volume: backups\n  schedule: 1w\n") == std::vector{expected + "'1w'"});
  CHECK(errors_with("backup:\n  volume: backups\n  schedule: 500ms\n") == std::vector{expected + "'500ms'"});
  CHECK(errors_with("backup:\n  volume: backups\n  schedule: 1.5h\n") == std::vector{expected + "'1.5h'"});
  CHECK(errors_with("backup:\n  volume: backups\n  schedule: 0h\n") ==
        std::vector<std::string>{
            "18:13: error: expected a schedule longer than 0 (every reconcile would take a backup)"});
}

TEST_CASE("ha.failover_delay still takes ms, s and m, and not h", "[spec][backup]") {
  CHECK(load_ok("ha:\n  failover_delay: 250ms\n").ha.failover_delay == milliseconds(250));
  CHECK(load_ok("ha:\n  failover_delay: 2m\n").ha.failover_delay == milliseconds(120'000));
  CHECK(errors_with("ha:\n  failover_delay: 1h\n") ==
        std::vector<std::string>{
            "17:19: error: expected a duration such as 3s (a whole number with ms, s or m), got '1h'"});
}

TEST_CASE("archive directories resolve against the spec's folder, normalised", "[spec][backup]") {
  CHECK(load_ok("backup:\n  directory: archive\n").backup.directory == fs::path("/project/specs/archive"));
  CHECK(load_ok("backup:\n  directory: ../archive/\n").backup.directory == fs::path("/project/archive"));
  CHECK(load_ok("backup:\n  directory: /srv/a/../pg-archive/\n").backup.directory ==
        fs::path("/srv/pg-archive"));
  CHECK(load_ok("restore:\n  directory: ./old\n").restore.directory == fs::path("/project/specs/old"));
}

TEST_CASE("a cluster may restore from the directory it backs up into", "[spec][backup]") {
  ClusterSpec spec = load_ok(
      "backup:\n  directory: /srv/pg-archive\nrestore:\n  directory: /srv/pg-archive\n  backup: "
      "20261208T041500Z\n");
  CHECK(spec.backup.directory == spec.restore.directory);
  CHECK(spec.restore.backup == "20261208T041500Z");
}

TEST_CASE("a restore section with a volume alone restores the latest backup to the end", "[spec][backup]") {
  ClusterSpec spec = load_ok("restore:\n  volume: othercluster-backups\n");
  CHECK(spec.restore.declared);
  CHECK(spec.restore.pos.line == 16);
  CHECK(spec.restore.volume == "othercluster-backups");
  CHECK(spec.restore.directory.empty());
  CHECK(spec.restore.backup == "latest");
  CHECK(spec.restore.target == RecoveryTargetKind::kEnd);
  CHECK(spec.restore.target_time.empty());
  CHECK(spec.restore.target_lsn.empty());
  CHECK(restore_to("end").restore.target == RecoveryTargetKind::kEnd);
}

TEST_CASE("a recovery target time is kept in UTC, as PostgreSQL reads it", "[spec][backup]") {
  const auto december_8 = sys_days{2026y / December / 8};
  ClusterSpec spec = restore_to(R"({ time: "2026-12-08 10:00:00+00" })");
  CHECK(spec.restore.target == RecoveryTargetKind::kTime);
  CHECK(spec.restore.target_time == "2026-12-08 10:00:00+00");
  CHECK(spec.restore.target_time_point == december_8 + 10h);

  CHECK(restore_to("{ time: 2026-12-08T10:00:00Z }").restore.target_time == "2026-12-08 10:00:00+00");
  CHECK(restore_to(R"({ time: "2026-12-08 10:00:00 +00" })").restore.target_time == "2026-12-08 10:00:00+00");

  SECTION("an offset is taken off") {
    spec = restore_to(R"({ time: "2026-12-08 10:00:00+05:30" })");
    CHECK(spec.restore.target_time == "2026-12-08 04:30:00+00");
    CHECK(spec.restore.target_time_point == december_8 + 4h + 30min);
    CHECK(restore_to(R"({ time: "2026-12-08 10:00:00+05" })").restore.target_time ==
          "2026-12-08 05:00:00+00");
    CHECK(restore_to(R"({ time: "2026-12-31 20:00:00-08:00" })").restore.target_time ==
          "2027-01-01 04:00:00+00");
    CHECK(restore_to(R"({ time: "2026-01-01T01:00:00+02:00" })").restore.target_time ==
          "2025-12-31 23:00:00+00");
  }
  SECTION("fractional seconds are kept to the microsecond") {
    spec = restore_to(R"({ time: "2026-12-08 10:00:00.25+00" })");
    CHECK(spec.restore.target_time == "2026-12-08 10:00:00.25+00");
    CHECK(spec.restore.target_time_point == december_8 + 10h + 250ms);
    spec = restore_to(R"({ time: "2026-12-08T10:00:00.000001+01:00" })");
    CHECK(spec.restore.target_time == "2026-12-08 09:00:00.000001+00");
    CHECK(spec.restore.target_time_point == december_8 + 9h + 1us);
  }
  SECTION("a leap day is a day") {
    spec = restore_to(R"({ time: "2028-02-29 23:30:00-01:00" })");
    CHECK(spec.restore.target_time == "2028-03-01 00:30:00+00");
    CHECK(restore_to(R"({ time: "2000-02-29 00:00:00Z" })").restore.target_time == "2000-02-29 00:00:00+00");
  }
}

TEST_CASE("a recovery target time needs a zone and real dates", "[spec][backup]") {
  CHECK(error_at_target(R"({ time: "2026-12-08 10:00:00" })") ==
        "18:19: error: time '2026-12-08 10:00:00' has no time zone: the server would read it in its own; "
        "add one, like +00 for UTC");
  const std::string malformed =
      "18:19: error: expected a time like 2026-12-08 10:00:00+00 (YYYY-MM-DD HH:MM:SS, an optional fraction "
      "of "
      "up to 6 digits, and a zone: Z, +HH or +HH:MM) for 'time', got ";
  for (const std::string bad :
       {"2026-12-08 10:00+00", "2026-12-08 10:00:00.+00", "2026-12-08 10:00:00.1234567+00",
        "2026-12-08 10:00:00+5", "2026-12-08 10:00:00+16:00", "2026-12-08 10:00:00+05:60",
        "2026-12-08 10:00:00 UTC", "2026/12/08 10:00:00+00", "2026-12-08_10:00:00+00", "tomorrow"}) {
    INFO(bad);
    CHECK(error_at_target(R"({ time: ")" + bad + R"(" })") == malformed + "'" + bad + "'");
  }
  for (const std::string unreal :
       {"2027-02-29 10:00:00+00", "2026-13-01 10:00:00+00", "2026-04-31 10:00:00+00",
        "2026-00-10 10:00:00+00", "2026-12-00 10:00:00+00", "2026-12-08 24:00:00+00",
        "2026-12-08 10:60:00+00", "2026-12-08 10:00:60+00"}) {
    INFO(unreal);
    CHECK(error_at_target(R"({ time: ")" + unreal + R"(" })") ==
          "18:19: error: time '" + unreal + "' is not a real date and time");
  }
  for (const std::string distant : {"1969-12-31 23:00:00Z", "2200-01-01 00:00:00Z"}) {
    INFO(distant);
    CHECK(error_at_target(R"({ time: ")" + distant + R"(" })") ==
          "18:19: error: time '" + distant + "' is outside the years 1970 to 2199");
  }
  CHECK(restore_to(R"({ time: "1970-01-01 00:00:00+05" })").restore.target_time == "1969-12-31 19:00:00+00");
}

TEST_CASE("a recovery target LSN is kept as the server shows it", "[spec][backup]") {
  ClusterSpec spec = restore_to(R"({ lsn: "0/3000000" })");
  CHECK(spec.restore.target == RecoveryTargetKind::kLsn);
  CHECK(spec.restore.target_lsn == "0/3000000");
  CHECK(restore_to("{ lsn: 00000001/00a0 }").restore.target_lsn == "1/A0");
  CHECK(restore_to("{ lsn: abc/DEF0 }").restore.target_lsn == "ABC/DEF0");
  CHECK(restore_to("{ lsn: FFFFFFFF/FFFFFFFF }").restore.target_lsn == "FFFFFFFF/FFFFFFFF");
  const std::string expected =
      "18:18: error: expected an LSN like 0/3000000 (two hex numbers of up to 8 digits) for 'lsn', got ";
  for (const std::string bad : {"3000000", "0/", "/1", "0/3000000/1", "0/30G", "123456789/0", "0x0/1"}) {
    INFO(bad);
    CHECK(error_at_target("{ lsn: " + bad + " }") == expected + "'" + bad + "'");
  }
}

TEST_CASE("a recovery target is end, or one of time and lsn", "[spec][backup]") {
  CHECK(error_at_target("latest") ==
        "18:11: error: expected end or a map with time or lsn for 'target', got 'latest'");
  CHECK(error_at_target("[end]") ==
        "18:11: error: expected end or a map with time or lsn for 'target', got a list");
  CHECK(error_at_target("{ time: 2026-12-08T10:00:00Z, lsn: 0/1 }") ==
        "18:11: error: expected exactly one of time or lsn for 'target', got time, lsn");
  CHECK(error_at_target("{}") == "18:11: error: expected exactly one of time or lsn for 'target', got none");
  CHECK(error_at_target("{ tiem: 2026-12-08T10:00:00Z }") ==
        "18:13: error: unknown key 'tiem' in restore.target (did you mean 'time'?)");
}

TEST_CASE("a restore names latest or a backup id of the form YYYYMMDDTHHMMSSZ", "[spec][backup]") {
  CHECK(load_ok("restore:\n  volume: old-backups\n  backup: 20280229T235959Z\n").restore.backup ==
        "20280229T235959Z");
  const std::string expected =
      "18:11: error: expected latest or a backup id like 20261208T041500Z (YYYYMMDDTHHMMSSZ, in UTC) for "
      "'backup', got ";
  for (const std::string bad :
       {"newest", "20261208041500Z", "20261208T041500", "20261208t041500z", "20270229T041500Z",
        "20261208T241500Z", "20261208T046000Z", "2026120T8041500Z"}) {
    INFO(bad);
    CHECK(errors_with("restore:\n  volume: old-backups\n  backup: " + bad + "\n") ==
          std::vector{expected + "'" + bad + "'"});
  }
}

TEST_CASE("an archive is a volume or a directory, not both and not neither", "[spec][backup]") {
  CHECK(errors_with("backup:\n  volume: backups\n  directory: /srv/a\n") ==
        std::vector<std::string>{"17:3: error: expected exactly one of volume or directory for 'backup', got "
                                 "volume, directory"});
  CHECK(errors_with("backup:\n  synchronous: true\n") ==
        std::vector<std::string>{
            "17:3: error: expected exactly one of volume or directory for 'backup', got none"});
  CHECK(errors_with("backup:\n") ==
        std::vector<std::string>{
            "16:1: error: expected exactly one of volume or directory for 'backup', got none"});
  CHECK(errors_with("restore:\n  backup: latest\n") ==
        std::vector<std::string>{
            "17:3: error: expected exactly one of volume or directory for 'restore', got none"});
  CHECK(errors_with("restore:\n  directory: \"\"\n") ==
        std::vector<std::string>{"17:14: error: expected a non-empty value for 'directory'"});
  // A misspelt key is one mistake, told once.
  CHECK(errors_with("backup:\n  volumne: backups\n") ==
        std::vector<std::string>{"17:3: error: unknown key 'volumne' in backup (did you mean 'volume'?)"});
}

TEST_CASE("the backup volume is one of the spec's volumes, not a node's data", "[spec][backup]") {
  CHECK(errors_with("backup:\n  volume: backup\n") ==
        std::vector<std::string>{
            "17:11: error: volume 'backup' is not declared under volumes (did you mean 'backups'?)"});
  CHECK(errors_with("backup:\n  volume: master_data\n") ==
        std::vector<std::string>{
            "17:11: error: volume 'master_data' holds the data of master: the archive must "
            "outlive the node's data, so it needs a volume of its own"});
}

TEST_CASE("a restore volume is a name Docker accepts", "[spec][backup]") {
  CHECK(load_ok("restore:\n  volume: pgbk-backups\n").restore.volume == "pgbk-backups");
  CHECK(errors_with("restore:\n  volume: \"old backups\"\n") ==
        std::vector<std::string>{
            "17:11: error: invalid volume name 'old backups': Docker names hold a letter or "
            "digit, then letters, digits, '_', '.' or '-' (did you mean 'old_backups'?)"});
  CHECK(errors_with("restore:\n  volume: b\n") ==
        std::vector<std::string>{
            "17:11: error: invalid volume name 'b': Docker volume names are 2 characters or more"});
}

TEST_CASE("backup values of the wrong type or range are refused", "[spec][backup]") {
  CHECK(errors_with("backup:\n  volume: backups\n  synchronous: yes\n") ==
        std::vector<std::string>{"18:16: error: expected true or false for 'synchronous', got 'yes'"});
  CHECK(errors_with("backup:\n  volume: backups\n  from: replcia\n") ==
        std::vector<std::string>{
            "18:9: error: expected replica or primary for 'from', got 'replcia' (did you mean 'replica'?)"});
  CHECK(errors_with("backup:\n  volume: backups\n  retention:\n    count: -1\n") ==
        std::vector<std::string>{
            "19:12: error: expected an integer from 0 to 100000 for 'count' (0: no limit), got -1"});
  CHECK(errors_with("backup:\n  volume: backups\n  retention:\n    days: many\n") ==
        std::vector<std::string>{"19:11: error: expected an integer for 'days', got 'many'"});
  CHECK(errors_with("backup:\n  volume: backups\n  retention: 7\n") ==
        std::vector<std::string>{"18:14: error: expected a map for 'retention', got '7'"});
  CHECK(errors_with("backup:\n  volume: backups\n  retention: { keep: 3 }\n") ==
        std::vector<std::string>{"18:16: error: unknown key 'keep' in backup.retention"});
  CHECK(errors_with("backup:\n  volume: backups\n  schedul: 24h\n") ==
        std::vector<std::string>{"18:3: error: unknown key 'schedul' in backup (did you mean 'schedule'?)"});
}

TEST_CASE("backup needs the replication user and leaves the name archiver to the archiver",
          "[spec][backup]") {
  const std::string without_replication = R"(version: 1
name: demo
images: { postgres: { tag: postgres:15 } }
volumes: { master_data: {}, backups: {} }
master: { image: postgres, volume: master_data }
backup:
  volume: backups
)";
  CHECK(
      errors_of(without_replication) ==
      std::vector<std::string>{"6:1: error: backup needs a replication section naming the replication user: "
                               "the archiver streams the primary's WAL as that user"});
  CHECK(errors_of(R"(version: 1
name: demo
images: { postgres: { tag: postgres:15 } }
volumes: { data: {}, backups: {} }
master: { name: archiver, image: postgres, volume: data }
replication: { user: replicator }
roles: [{ name: replicator, login: true, replication: true, password: { generate: true } }]
backup: { volume: backups }
)") == std::vector<std::string>{"5:17: error: node name 'archiver' is reserved while the spec has a backup "
                                "section: demo-archiver is the container that streams WAL into the archive"});
}

TEST_CASE("a node may be named archiver when there is no backup section", "[spec][backup]") {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_text(R"(version: 1
name: demo
images: { postgres: { tag: postgres:15 } }
volumes: { data: {} }
master: { name: archiver, image: postgres, volume: data }
)",
                                           kSpecFile, diagnostics);
  INFO(diagnostics.to_string());
  CHECK(spec.has_value());
}

TEST_CASE("the backup example loads", "[spec][backup]") {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_file(fs::path(PGDECL_SOURCE_DIR) / "specs" / "examples" / "backup.yaml",
                                           diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec.has_value());
  CHECK(diagnostics.all().empty());
  CHECK(spec->replicas.size() == 1);
  CHECK(spec->backup.declared);
  CHECK(spec->backup.volume == "backups");
  CHECK(spec->backup.synchronous);
  CHECK(spec->backup.from == BackupSource::kReplica);
  CHECK(spec->backup.schedule == hours(24));
  CHECK(spec->backup.retention.count == 7);
  CHECK(spec->backup.retention.days == 14);
  CHECK_FALSE(spec->restore.declared);
}

TEST_CASE("the restore example loads", "[spec][backup]") {
  pgdecl::Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_file(
      std::filesystem::path(PGDECL_SOURCE_DIR) / "specs" / "examples" / "restore.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec);
  CHECK(spec->restore.declared);
  CHECK(spec->restore.volume == "pgbk-backups");
  CHECK(spec->restore.target == pgdecl::spec::RecoveryTargetKind::kTime);
  CHECK(spec->restore.target_time == "2026-12-08 10:00:00+00");
}
