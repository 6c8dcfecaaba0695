// The backup archive: an archiver streams the primary's WAL into it through
// its own slot and follows a switchover onto the next timeline; removed, it
// comes back with nothing missing, as its slot held the WAL. Base backups
// are verified by pg_verifybackup, and a byte changed in one is caught.
#include <nlohmann/json.hpp>

#include "tests/e2e/replica_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

// A primary and one replica, archiving into a volume of their own.
std::string backup_spec(const std::string& cluster, bool synchronous) {
  std::string spec = replica_spec(cluster, 1);
  spec.replace(spec.find("  data: {}\n"), 11, "  data: {}\n  backups: {}\n");
  return spec + "backup:\n  volume: backups\n  synchronous: " + (synchronous ? "true" : "false") + "\n";
}

nlohmann::json backups_json(ClusterFixture& cluster) {
  auto listed = cluster.run("backups -f spec.yaml --json");
  INFO(listed.out << listed.err);
  REQUIRE((listed.exit_code == 0 || listed.exit_code == 3));
  return nlohmann::json::parse(listed.out);
}

bool archive_has(const nlohmann::json& archive, const std::string& name) {
  for (const auto& file : archive.at("wal")) {
    if (file.at("name") == name) return true;
  }
  return false;
}

std::string archiver_seen(ClusterFixture& cluster, const std::string& primary) {
  return eventually(*connect_node(cluster, primary),
                    "select state || ' ' || sync_state from pg_stat_replication "
                    "where application_name = 'pgdecl_archiver' and state = 'streaming'");
}

}  // namespace

TEST_CASE("the archiver follows a switchover onto the next timeline and comes back without a gap",
          "[e2e][docker][postgres][backup]") {
  ClusterFixture cluster("archiver");
  const std::string spec = backup_spec(cluster.name(), false);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(archiver_seen(cluster, "master") == "streaming async");

  SteadyWriter writer(cluster, {"master", "replica1"});
  auto backup = cluster.run("backup -f spec.yaml");
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  // From the replica by default, sparing the primary.
  CHECK(contains(backup.out, "of replica1"));
  CHECK(contains(backup.out, "verified"));

  cluster.write_spec(spec + "primary: replica1\n");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(archiver_seen(cluster, "replica1") == "streaming async");
  writer.wait_for_rows(50);

  // Gone with its container: the plan says so, apply puts it back, and the
  // slot on the new primary kept every segment meanwhile.
  REQUIRE(run_command("docker rm -f " + cluster.name() + "-archiver").exit_code == 0);
  writer.wait_for_rows(50);
  auto plan = cluster.run("plan -f spec.yaml");
  INFO(plan.out);
  CHECK(contains(plan.out, "+ pg_archiver.archiver"));
  auto status = cluster.run("status -f spec.yaml");
  CHECK(status.exit_code == 3);
  CHECK(contains(status.out, "archiver: its container is missing"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(archiver_seen(cluster, "replica1") == "streaming async");
  writer.check_nothing_lost();

  // Switch the segment the archiver writes, so the WAL written while it
  // was away must be whole in the archive.
  auto primary = connect_node(cluster, "replica1");
  REQUIRE(primary->query("select pg_switch_wal()"));
  const auto archive = backups_json(cluster);
  INFO(archive.dump(2));
  CHECK(archive.at("problems").empty());
  CHECK(archive_has(archive, "00000002.history"));
  CHECK(archive.at("backups").size() == 1);
  CHECK(cluster.run("status -f spec.yaml").exit_code == 0);
}

TEST_CASE("a byte changed in a stored backup is caught by pg_verifybackup",
          "[e2e][docker][postgres][backup]") {
  ClusterFixture cluster("verify");
  cluster.write_spec(backup_spec(cluster.name(), true));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  // A synchronous archiver: the primary counts it as its standby.
  CHECK(archiver_seen(cluster, "master") == "streaming sync");
  auto backup = cluster.run("backup -f spec.yaml --json");
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  const std::string id = nlohmann::json::parse(backup.out).at("id");
  CHECK(backups_json(cluster).at("backups").at(0).at("verified") == true);

  // One byte of pg_class's file, as a failing disk would change it.
  const std::string file = "/archive/base/" + id + "/base/1/1259";
  REQUIRE(run_command("docker exec " + cluster.name() + "-archiver sh -c \"printf X | dd of=" + file +
                      " bs=1 seek=100 conv=notrunc\"")
              .exit_code == 0);
  auto verified = cluster.run("backups -f spec.yaml --verify");
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 3);
  CHECK(contains(verified.out, "backup " + id + " failed verification"));
  CHECK(contains(verified.out, "checksum mismatch for file base/1/1259"));
  auto status = cluster.run("status -f spec.yaml");
  CHECK(status.exit_code == 3);
  CHECK(contains(status.out, "NOT verified"));
}

}  // namespace pgdecl::testing
