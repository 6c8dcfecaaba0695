// The backup archive: an archiver streams the primary's WAL into it through
// its own slot and follows a switchover onto the next timeline; removed, it
// comes back with nothing missing, as its slot held the WAL. Base backups
// are verified by pg_verifybackup, and a byte changed in one is caught. A
// new cluster recovers from the archive to a time, or to its end.
#include <nlohmann/json.hpp>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/backup_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

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
  // A cluster restored from it: its plan checks the backup again, and
  // refuses it.
  ClusterFixture restored("verify", "-r");
  restored.write_spec(restore_spec(restored.name(), cluster.name() + "-backups", "end"));
  auto refused = restored.run("plan -f spec.yaml");
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "backup " + id + " fails verification by pg_verifybackup now"));
  CHECK(contains(refused.err, "checksum mismatch"));

  auto verified = cluster.run("backups -f spec.yaml --verify");
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 3);
  CHECK(contains(verified.out, "backup " + id + " failed verification"));
  CHECK(contains(verified.out, "checksum mismatch for file base/1/1259"));
  auto status = cluster.run("status -f spec.yaml");
  CHECK(status.exit_code == 3);
  CHECK(contains(status.out, "NOT verified"));
  // The plan says so too, though no change of it mends that.
  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(plan.exit_code == 0);
  CHECK(contains(plan.out, "Warning: the archive: backup " + id + " failed verification"));

  // Before any backup, no target can be reached.
  restored.write_spec(
      restore_spec(restored.name(), cluster.name() + "-backups", "{ time: \"2020-01-01 00:00:00+00\" }"));
  auto too_early = restored.run("plan -f spec.yaml");
  INFO(too_early.out << too_early.err);
  CHECK(too_early.exit_code == 1);
  CHECK(contains(too_early.err,
                 "no verified backup in the archive ends before the time 2020-01-01 00:00:00+00"));
}

TEST_CASE("recovery to a time holds every row committed before it and none after, across a switchover",
          "[e2e][docker][postgres][backup][restore]") {
  ClusterFixture cluster("pitr");
  // Commit times, to know which rows the target keeps.
  std::string spec = backup_spec(cluster.name(), false);
  const std::string parameters = "    work_mem: 8MB\n";
  spec.replace(spec.find(parameters), parameters.size(), parameters + "    track_commit_timestamp: 'on'\n");
  spec.replace(spec.find("    volume: replica1_data\n"), 26,
               "    volume: replica1_data\n    parameters:\n      track_commit_timestamp: 'on'\n");
  cluster.write_spec(spec);
  auto up = cluster.run("apply -f spec.yaml --auto-approve");
  INFO(up.out << up.err);
  REQUIRE(up.exit_code == 0);

  SteadyWriter writer(cluster, {"master", "replica1"});
  writer.wait_for_rows(50);
  auto backup = cluster.run("backup -f spec.yaml");
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  // From the replica by default, sparing the primary.
  CHECK(contains(backup.out, "of replica1"));
  writer.wait_for_rows(50);
  // The archive crosses onto timeline 2 before the target.
  cluster.write_spec(spec + "primary: replica1\n");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(archiver_seen(cluster, "replica1") == "streaming async");
  writer.wait_for_rows(50);

  // The archiver gone with its container: the plan says so, apply puts it
  // back, and the slot on the new primary kept every segment meanwhile
  // (the restore below replays them).
  REQUIRE(run_command("docker rm -f " + cluster.name() + "-archiver").exit_code == 0);
  writer.wait_for_rows(50);
  auto gone = cluster.run("plan -f spec.yaml");
  INFO(gone.out);
  CHECK(contains(gone.out, "+ pg_archiver.archiver"));
  auto status = cluster.run("status -f spec.yaml");
  CHECK(status.exit_code == 3);
  CHECK(contains(status.out, "archiver: its container is missing"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(archiver_seen(cluster, "replica1") == "streaming async");
  writer.wait_for_rows(100);
  const std::string target =
      eventually(*connect_node(cluster, "replica1"),
                 "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
  writer.wait_for_rows(100);
  writer.check_nothing_lost();
  auto primary = connect_node(cluster, "replica1");
  const std::string committed_before =
      "select count(*)::text from steady where pg_xact_commit_timestamp(xmin) <= '" + target +
      "'::timestamptz";
  const std::string kept = eventually(*primary, committed_before);
  const std::string after = eventually(
      *primary, "select count(*)::text from steady where pg_xact_commit_timestamp(xmin) > '" + target + "'");
  REQUIRE(std::stol(kept) > 0);
  REQUIRE(std::stol(after) > 0);
  const auto archive = backups_json(cluster);
  INFO(archive.dump(2));
  CHECK(archive.at("problems").empty());
  CHECK(archive_has(archive, "00000002.history"));
  CHECK(cluster.run("status -f spec.yaml").exit_code == 0);

  // Into a new cluster: the original is left as it is.
  ClusterFixture restored("pitr", "-r");
  restored.write_spec(
      restore_spec(restored.name(), cluster.name() + "-backups", "{ time: \"" + target + "\" }", 1));
  auto plan = restored.run("plan -f spec.yaml");
  INFO(plan.out << plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(contains(plan.out, "its data is restored from backup"));
  CHECK(contains(plan.out, "replayed to the time " + target));
  auto restore = restored.run("apply -f spec.yaml --auto-approve");
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  auto recovered = connect_node(restored, "master");
  CHECK(eventually(*recovered, "select pg_is_in_recovery()::text") == "false");
  // Exactly the rows committed by the target: none lost, none after it.
  CHECK(eventually(*recovered, "select count(*)::text from steady") == kept);
  CHECK(eventually(*recovered, "select max(id)::text from steady") ==
        eventually(*primary, "select max(id)::text from steady where pg_xact_commit_timestamp(xmin) <= '" +
                                 target + "'::timestamptz"));
  CHECK(eventually(*recovered, "select timeline_id::text from pg_control_checkpoint()") == "3");
  CHECK(restored.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  // Its replica is a copy of the recovered primary, streaming.
  CHECK(eventually(*connect_node(restored, "replica1"), "select count(*)::text from steady") == kept);
  CHECK(eventually(*recovered, "select state from pg_stat_replication where application_name = 'replica1'") ==
        "streaming");
  CHECK(eventually(*primary, "select count(*)::text from steady") ==
        std::to_string(std::stol(kept) + std::stol(after)));
}

}  // namespace pgdecl::testing

namespace pgdecl::testing {

TEST_CASE(
    "with a synchronous archiver, the end of the archive holds every acknowledged row after docker kill",
    "[e2e][docker][postgres][backup][restore]") {
  ClusterFixture cluster("rpo");
  cluster.write_spec(backup_spec(cluster.name(), true));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.run("backup -f spec.yaml").exit_code == 0);
  SteadyWriter writer(cluster, {"master"});
  writer.wait_for_rows(300);
  REQUIRE(run_command("docker kill " + cluster.name() + "-master").exit_code == 0);
  writer.stop();
  const auto acknowledged = writer.acknowledged();
  REQUIRE(acknowledged.size() >= 300);

  ClusterFixture restored("rpo", "-r");
  restored.write_spec(restore_spec(restored.name(), cluster.name() + "-backups", "end"));
  {
    // A restore cut short: its helper killed with pgdecl, mid-way. What it
    // left in the volume is never taken for restored data.
    BackgroundPgdecl cut(restored.dir(), "apply -f spec.yaml --auto-approve");
    const std::string helper = restored.name() + "-master-restore";
    bool seen = false;
    for (int i = 0; i < 3000 && !seen; ++i) {
      seen = run_command("docker inspect " + helper + " >/dev/null 2>&1").exit_code == 0;
      if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(seen);
    run_command("docker kill " + helper);
    cut.signal(SIGKILL);
  }
  auto restore = restored.run("apply -f spec.yaml --auto-approve");
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  auto recovered = connect_node(restored, "master");
  REQUIRE(recovered);
  CHECK(SteadyWriter::kept(*recovered, acknowledged) == static_cast<long>(acknowledged.size()));
}

}  // namespace pgdecl::testing
