// Retention removes the oldest backups and the WAL only they needed, never
// WAL a kept backup needs; reconcile takes a backup when the schedule says.
#include <nlohmann/json.hpp>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/replica_fixture.h"

namespace pgdecl::testing {
namespace {

// One node archiving into a volume of its own, with `extra` in its backup
// section.
std::string archived_spec(const std::string& cluster, const std::string& extra) {
  std::string spec = replica_spec(cluster, 0);
  spec.replace(spec.find("  data: {}\n"), 11, "  data: {}\n  backups: {}\n");
  return spec + "backup:\n  volume: backups\n" + extra;
}

nlohmann::json archive_of(ClusterFixture& cluster) {
  auto listed = cluster.run("backups -f spec.yaml --json");
  INFO(listed.out << listed.err);
  REQUIRE(listed.exit_code == 0);
  return nlohmann::json::parse(listed.out);
}

std::vector<std::string> backup_ids(const nlohmann::json& archive) {
  std::vector<std::string> ids;
  for (const auto& backup : archive.at("backups")) ids.push_back(backup.at("id"));
  return ids;
}

// The segment a backup starts in, as the archive names it.
std::string first_segment_of(const nlohmann::json& backup) {
  const std::string lsn = backup.at("start_lsn");
  const auto slash = lsn.find('/');
  const unsigned long long position = (std::stoull(lsn.substr(0, slash), nullptr, 16) << 32) |
                                      std::stoull(lsn.substr(slash + 1), nullptr, 16);
  char name[25];
  std::snprintf(name, sizeof name, "%08X%08X%08X", static_cast<unsigned>(backup.at("timeline").get<int>()),
                static_cast<unsigned>(position >> 32), static_cast<unsigned>((position >> 24) & 0xFF));
  return name;
}

bool has_wal(const nlohmann::json& archive, const std::string& name) {
  for (const auto& file : archive.at("wal")) {
    if (file.at("name") == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("retention removes the oldest backup and its WAL, never WAL a kept backup needs",
          "[e2e][docker][postgres][backup]") {
  ClusterFixture cluster("retention");
  cluster.write_spec(archived_spec(cluster.name(), "  retention: { count: 2 }\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto primary = connect_node(cluster, "master");
  REQUIRE(primary->execute("create table t (n int)"));
  for (int i = 0; i < 3; ++i) {
    // Each backup in a segment of its own, each with its own id (a second).
    REQUIRE(primary->execute("insert into t select generate_series(1, 1000)"));
    REQUIRE(primary->query("select pg_switch_wal()"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto backup = cluster.run("backup -f spec.yaml");
    INFO(backup.out << backup.err);
    REQUIRE(backup.exit_code == 0);
  }
  const auto before = archive_of(cluster);
  // The third backup's retention removed the first.
  REQUIRE(before.at("backups").size() == 2);
  const auto kept = backup_ids(before);
  const std::string oldest_needed = first_segment_of(before.at("backups").at(0));
  CHECK(has_wal(before, oldest_needed));
  for (const auto& file : before.at("wal")) {
    const std::string name = file.at("name");
    if (name.size() >= 24 && name.find(".history") == std::string::npos)
      CHECK(name.substr(8, 16) >= oldest_needed.substr(8, 16));
  }
  CHECK(before.at("problems").empty());

  // A fourth: the oldest of the two goes, with the segments only it needed.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  REQUIRE(primary->query("select pg_switch_wal()"));
  REQUIRE(cluster.run("backup -f spec.yaml").exit_code == 0);
  const auto after = archive_of(cluster);
  const auto now_kept = backup_ids(after);
  REQUIRE(now_kept.size() == 2);
  CHECK(now_kept.at(0) == kept.at(1));
  CHECK_FALSE(has_wal(after, oldest_needed));
  CHECK(has_wal(after, first_segment_of(after.at("backups").at(0))));
  CHECK(after.at("problems").empty());
}

TEST_CASE("reconcile takes a backup when the schedule says", "[e2e][docker][postgres][backup][reconcile]") {
  ClusterFixture cluster("schedule");
  cluster.write_spec(archived_spec(cluster.name(), "  schedule: 4s\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  BackgroundPgdecl reconcile(cluster.dir(), "reconcile -f spec.yaml --interval 1s");
  // The first at once (there is none), the next once it is 4 s old.
  CHECK(reconcile.wait_for_count("\"event\":\"backup\"", 2, std::chrono::seconds(60)));
  reconcile.signal(SIGTERM);
  CHECK(reconcile.wait_for_output("\"event\":\"stop\"", std::chrono::seconds(30)));
  INFO(reconcile.out());
  CHECK(backup_ids(archive_of(cluster)).size() >= 2);
}

}  // namespace pgdecl::testing
