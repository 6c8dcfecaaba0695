// Replicas that cannot stream: plan says which and why, in the server's
// own words; apply repairs what it can and otherwise fails naming the
// replica and the reason (authentication failed, WAL already removed, a
// timeout), within apply --timeout.

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::contains;
using pgdecl::testing::eventually;
using pgdecl::testing::replica_spec;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;

namespace {

std::string replication_view(pg::Connection& master) {
  return scalar(master,
                "select coalesce(string_agg(r.application_name || ' ' || r.state || ' ' || "
                "coalesce(s.slot_name::text, '(no slot)'), ', '), '') from pg_stat_replication r "
                "left join pg_replication_slots s on s.active_pid = r.pid");
}

// Waits (bounded) until the node's container log says `words`; the log,
// for the test's messages.
std::string wait_for_log(ClusterFixture& cluster, const std::string& node, const std::string& words) {
  std::string log;
  for (int i = 0; i < 300 && !contains(log, words); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto read = cluster.docker().container_logs(cluster.name() + "-" + node, 40);
    if (read) log = *read;
  }
  INFO(log);
  REQUIRE(contains(log, words));
  return log;
}

// Waits (bounded) until a query on the node answers `want`.
void wait_for(pg::Connection& c, const std::string& sql, const std::string& want) {
  std::string got;
  for (int i = 0; i < 300 && got != want; ++i) {
    auto rows = c.query(sql);
    got = rows && rows->rows.size() == 1 ? rows->rows[0][0].value_or("NULL") : "(no answer)";
    if (got != want) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(sql);
  REQUIRE(got == want);
}

// The replica's WAL receiver signs in afresh: its sender on the master ends.
void drop_replica_connection(pg::Connection& master) {
  REQUIRE(master.execute(
      "select pg_terminate_backend(pid) from pg_stat_replication where application_name = 'replica1'"));
}

// With replica1 stopped, the master writes and checkpoints until the WAL
// segment replica1 would ask for next is gone from pg_wal.
void remove_wal_replica1_needs(ClusterFixture& cluster, pg::Connection& master) {
  const std::string needed = scalar(master, "select pg_walfile_name(pg_current_wal_lsn())");
  REQUIRE(run_command("docker stop " + cluster.name() + "-replica1").exit_code == 0);
  std::string left = "1";
  for (int i = 0; i < 10 && left != "0"; ++i) {
    REQUIRE(master.execute("insert into written values ('while replica1 was away')"));
    REQUIRE(master.execute("select pg_switch_wal()"));
    REQUIRE(master.execute("checkpoint"));
    left = scalar(master, "select count(*) from pg_ls_waldir() where name = '" + needed + "'");
  }
  REQUIRE(left == "0");
}

// Back to normal: a row written on the master reaches replica1, and a
// plan has nothing left to do.
void converged(ClusterFixture& cluster, pg::Connection& master, const std::string& row) {
  REQUIRE(master.execute("insert into written values ('" + row + "')"));
  auto replica = connect_node(cluster, "replica1");
  CHECK(eventually(*replica, "select v from written where v = '" + row + "'") == row);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

}  // namespace

TEST_CASE("a replica the master no longer lets sign in: plan quotes the server and apply puts the role back",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("repauth");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table written (v text)"));

  // Out of band, the replication role may no longer log in.
  REQUIRE(master->execute("alter role replicator nologin"));
  drop_replica_connection(*master);
  wait_for_log(cluster, "replica1", "role \"replicator\" is not permitted to log in");
  auto nologin = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(nologin.exit_code == 2);
  CHECK(contains(nologin.out, "# pg_role.replicator will be updated in place"));
  CHECK(contains(nologin.out,
                 "# docker_container.replica1 will be updated in place\n"
                 "  #   because the master does not see this replica streaming (not connected"));
  CHECK(contains(nologin.out,
                 "  #   because replica1 says: FATAL:  could not connect to the primary server: "));
  CHECK(contains(nologin.out, "FATAL:  role \"replicator\" is not permitted to log in\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // Out of band, another password: the replica's password file no longer
  // signs it in.
  REQUIRE(master->execute("alter role replicator password 'not-the-spec-one'"));
  drop_replica_connection(*master);
  wait_for_log(cluster, "replica1", "password authentication failed for user \"replicator\"");
  auto password = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(password.exit_code == 2);
  CHECK(contains(password.out, "# pg_role.replicator will be updated in place"));
  CHECK(contains(password.out, "password authentication failed for user \"replicator\""));

  // Only the replica's container targeted, the role is left as it is: the
  // apply waits its --timeout and says which replica and why.
  auto targeted =
      cluster.run("apply -f spec.yaml --auto-approve --target docker_container.replica1 --timeout 3s");
  CHECK(targeted.exit_code == 1);
  CHECK(contains(targeted.err,
                 "docker_container.replica1: replica1 is not streaming from the master within 3s (apply "
                 "--timeout): the master sees it not connected, slot inactive; replica1 says: FATAL:  could "
                 "not connect to the primary server: "));
  CHECK(contains(targeted.err,
                 "password authentication failed for user \"replicator\"\nits last log lines:\n"));

  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1");
  converged(cluster, *master, "signed in again");
}

TEST_CASE("a replica whose slot lost the WAL it needs is copied again through a new slot",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("replost");
  std::string spec = replica_spec(cluster.name(), 1);
  // One segment kept for a slot that falls behind, so losing it is quick.
  spec.replace(spec.find("    work_mem: 8MB\n"), 18, "    work_mem: 8MB\n    max_slot_wal_keep_size: 16MB\n");
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table written (v text)"));
  remove_wal_replica1_needs(cluster, *master);
  REQUIRE(
      scalar(*master, "select wal_status from pg_replication_slots where slot_name = 'pgdecl_replica1'") ==
      "lost");
  // Started again, it asks for what is gone.
  REQUIRE(run_command("docker start " + cluster.name() + "-replica1").exit_code == 0);
  wait_for_log(cluster, "replica1", "has already been removed");

  auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(plan.exit_code == 2);
  CHECK(contains(
      plan.out,
      "# pg_slot.replica1 must be replaced\n  #   because its wal_status is lost: the master removed "
      "WAL it held for replica1 (more than max_slot_wal_keep_size behind), so it is made again and "
      "replica1 copied again\n"));
  CHECK(contains(
      plan.out,
      "# pg_replica.replica1 will be updated in place\n  #   because the master removed WAL replica1 "
      "still needs (its slot pgdecl_replica1 has wal_status lost): it can never catch up, so it is "
      "copied again\n"));
  CHECK(contains(plan.out,
                 "replica1 says: FATAL:  could not receive data from WAL stream: ERROR:  requested "
                 "WAL segment "));

  // Its slot made again alone: the replica still says what it lacks, and
  // is still copied again.
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve --target pg_slot.replica1").exit_code == 0);
  REQUIRE(
      scalar(*master, "select wal_status from pg_replication_slots where slot_name = 'pgdecl_replica1'") !=
      "lost");
  wait_for_log(cluster, "replica1", "has already been removed");
  auto after_slot = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(after_slot.exit_code == 2);
  CHECK(contains(
      after_slot.out,
      "# pg_replica.replica1 will be updated in place\n  #   because the master removed WAL replica1 "
      "still needs (replica1 says: FATAL:  could not receive data from WAL stream: ERROR:  "
      "requested WAL segment "));

  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1");
  CHECK(scalar(*master, "select wal_status from pg_replication_slots where slot_name = 'pgdecl_replica1'") !=
        "lost");
  converged(cluster, *master, "after the new copy");
}

TEST_CASE(
    "a replica without a slot that fell too far behind: apply fails within --timeout in the server's words",
    "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("repnoslot");
  std::string spec = replica_spec(cluster.name(), 1);
  spec.replace(spec.find("  user: replicator\n"), 19, "  user: replicator\n  slots: false\n");
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table written (v text)"));
  remove_wal_replica1_needs(cluster, *master);
  REQUIRE(run_command("docker start " + cluster.name() + "-replica1").exit_code == 0);
  wait_for_log(cluster, "replica1", "has already been removed");

  auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "# docker_container.replica1 will be updated in place"));
  CHECK(contains(plan.out,
                 "replica1 says: FATAL:  could not receive data from WAL stream: ERROR:  requested "
                 "WAL segment "));

  auto failed = cluster.run("apply -f spec.yaml --auto-approve --timeout 3s");
  CHECK(failed.exit_code == 1);
  CHECK(contains(failed.err,
                 "replica1 is not streaming from the master within 3s (apply --timeout): the master sees it "
                 "not connected; replica1 says: FATAL:  could not receive data from WAL stream: ERROR:  "
                 "requested WAL segment "));
  CHECK(contains(failed.err,
                 " has already been removed\nreplica1 needs WAL the master no longer has and can never catch "
                 "up: pgdecl apply --replace pg_replica.replica1 copies it again\nits last log lines:\n"));

  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve --replace pg_replica.replica1").exit_code == 0);
  CHECK(replication_view(*master) == "replica1 streaming (no slot)");
  converged(cluster, *master, "after the new copy");
}

TEST_CASE("a promoted replica is reported and kept until --replace copies it again",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("reppromo");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table written (v text)"));
  REQUIRE(master->execute("insert into written values ('on the master')"));
  {
    auto replica = connect_node(cluster, "replica1");
    REQUIRE(eventually(*replica, "select v from written") == "on the master");
    REQUIRE(replica->execute("select pg_promote()"));
    wait_for(*replica, "select pg_is_in_recovery()::text", "false");
    // What a promoted copy may hold: writes its master never saw.
    REQUIRE(replica->execute("insert into written values ('on the promoted copy')"));
  }

  auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(plan.exit_code == 2);
  CHECK(contains(
      plan.out,
      "# pg_replica.replica1 will be updated in place\n  #   because the volume holds a copy of this "
      "master promoted to a primary of its own: apply does not copy over it; --replace "
      "pg_replica.replica1 re-clones it, and its data is lost\n"));
  CHECK(contains(plan.out, "the master does not see this replica streaming (not connected"));

  auto refused = cluster.run("apply -f spec.yaml --auto-approve --timeout 10s");
  CHECK(refused.exit_code == 1);
  CHECK(contains(
      refused.err,
      "pg_replica.replica1: the volume of replica1 holds a copy of this master promoted to a primary "
      "of its own; it is not copied over. --replace pg_replica.replica1 re-clones it"));
  {
    auto replica = connect_node(cluster, "replica1");
    CHECK(scalar(*replica, "select count(*) from written where v = 'on the promoted copy'") == "1");
  }
  // Stopped, it is known by its files: no standby.signal any more.
  REQUIRE(run_command("docker stop " + cluster.name() + "-replica1").exit_code == 0);
  CHECK(contains(cluster.run("plan -f spec.yaml").out,
                 "because the volume holds a copy of this master promoted to a primary of its own"));

  auto replace = cluster.run("plan -f spec.yaml --replace pg_replica.replica1");
  CHECK(contains(replace.out, "# pg_replica.replica1 must be replaced, and the data in it is lost"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve --replace pg_replica.replica1").exit_code == 0);
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1");
  auto replica = connect_node(cluster, "replica1");
  CHECK(scalar(*replica, "select pg_is_in_recovery()::text") == "true");
  CHECK(scalar(*replica, "select string_agg(v, ', ') from written") == "on the master");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("apply --timeout takes a duration and refuses anything else before it changes anything",
          "[e2e][docker]") {
  ClusterFixture cluster("timeoutflag");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  for (const char* bad : {"5x", "30", "0s"}) {
    auto refused = cluster.run(std::string("apply -f spec.yaml --auto-approve --timeout ") + bad);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, std::string("Error: --timeout ") + bad + ": "));
  }
  CHECK(contains(
      cluster.run("apply -f spec.yaml --auto-approve --timeout 5x").err,
      "Error: --timeout 5x: not a duration: write numbers each with a unit (h, m or s), e.g. 90s, 2m "
      "or 1m30s"));
  auto made = cluster.docker().list_containers({{"pgdecl.cluster", cluster.name()}});
  REQUIRE(made);
  CHECK(made->empty());
  CHECK(contains(cluster.run("apply --help").out, "--timeout"));
}
