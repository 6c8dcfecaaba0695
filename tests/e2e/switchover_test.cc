// The primary is a value in the spec: changing it is a switchover, there
// and back, with a client writing all the time through whichever node takes
// writes. No acknowledged row is lost, the old primary follows the new one
// on the data it had (rewound, never copied again), and a target that lags
// too far is refused by plan.
#include "tests/e2e/replica_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

std::string with_primary(std::string spec, const std::string& node) {
  return spec + "primary: " + node + "\n";
}

// The inode of a node's PG_VERSION: a copy made again would be a new file.
std::string pg_version_inode(ClusterFixture& cluster, const std::string& node) {
  auto stat = run_command("docker exec " + cluster.name() + "-" + node +
                          " stat -c %i /var/lib/postgresql/data/pgdata/PG_VERSION");
  REQUIRE(stat.exit_code == 0);
  return stat.out;
}

std::string in_recovery(ClusterFixture& cluster, const std::string& node) {
  return eventually(*connect_node(cluster, node), "select pg_is_in_recovery()::text");
}

// How the primary sees a node: its pg_stat_replication state.
std::string seen_by(ClusterFixture& cluster, const std::string& primary, const std::string& node) {
  return eventually(*connect_node(cluster, primary),
                    "select state from pg_stat_replication where application_name = '" + node +
                        "' and state = 'streaming'");
}

// `primary` takes writes, the others stream from it, and <cluster>-rw
// names it inside the network.
void check_primary_is(ClusterFixture& cluster, const std::string& primary,
                      const std::vector<std::string>& others) {
  CHECK(in_recovery(cluster, primary) == "false");
  for (const auto& other : others) {
    CHECK(in_recovery(cluster, other) == "true");
    CHECK(seen_by(cluster, primary, other) == "streaming");
  }
  CHECK(read_write_alias_target(cluster, others.back()) == node_address(cluster, primary));
}

}  // namespace

TEST_CASE("a switchover there and back loses no acknowledged row and rewinds the old primary in place",
          "[e2e][docker][postgres][replica][switchover]") {
  ClusterFixture cluster("switchover");
  const std::string spec = replica_spec(cluster.name(), 2);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string master_inode = pg_version_inode(cluster, "master");
  // Inside the network, <cluster>-rw is the primary.
  CHECK(read_write_alias_target(cluster, "replica2") == node_address(cluster, "master"));
  const std::string replica1_inode = pg_version_inode(cluster, "replica1");

  SteadyWriter writer(cluster, {"master", "replica1", "replica2"});
  cluster.write_spec(with_primary(spec, "replica1"));
  auto plan = cluster.run("plan -f spec.yaml");
  INFO(plan.out << plan.err);
  CHECK(contains(plan.out, "a switchover from master to replica1"));
  CHECK(contains(plan.out, "replica1 streams from master on timeline 1"));

  auto there = cluster.run("apply -f spec.yaml --auto-approve");
  INFO(there.out << there.err);
  REQUIRE(there.exit_code == 0);
  check_primary_is(cluster, "replica1", {"master", "replica2"});
  CHECK(pg_version_inode(cluster, "master") == master_inode);
  auto settled = cluster.run("plan -f spec.yaml --detailed-exitcode");
  INFO(settled.out);
  CHECK(settled.exit_code == 0);
  auto status = cluster.run("status -f spec.yaml");
  CHECK(contains(status.out, "Healthy"));

  cluster.write_spec(with_primary(spec, "master"));
  auto back = cluster.run("apply -f spec.yaml --auto-approve");
  INFO(back.out << back.err);
  REQUIRE(back.exit_code == 0);
  check_primary_is(cluster, "master", {"replica1", "replica2"});
  CHECK(pg_version_inode(cluster, "master") == master_inode);
  CHECK(pg_version_inode(cluster, "replica1") == replica1_inode);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  writer.check_nothing_lost();
}

TEST_CASE("a switchover to a replica that lags beyond ha.max_lag is refused by plan, which says why",
          "[e2e][docker][postgres][replica][switchover]") {
  ClusterFixture cluster("switchlag");
  const std::string spec = replica_spec(cluster.name(), 1);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  // The replica receives WAL but replays none of it.
  REQUIRE(connect_node(cluster, "replica1")->execute("select pg_wal_replay_pause()"));
  REQUIRE(cluster.connect()->execute("create table filler as select generate_series(1, 20000) as n"));

  cluster.write_spec(with_primary(spec, "replica1") + "ha:\n  max_lag: 1kB\n");
  auto plan = cluster.run("plan -f spec.yaml");
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 1);
  CHECK(contains(plan.err, "the switchover to replica1 (pg_primary." + cluster.name() + ") cannot go ahead"));
  CHECK(contains(plan.err, "over ha.max_lag (1024 bytes)"));
  auto apply = cluster.run("apply -f spec.yaml --auto-approve");
  CHECK(apply.exit_code == 1);
  CHECK(in_recovery(cluster, "master") == "false");

  // Caught up, it may go.
  REQUIRE(connect_node(cluster, "replica1")->execute("select pg_wal_replay_resume()"));
  auto caught_up = [&] {
    for (int i = 0; i < 100; ++i) {
      if (cluster.run("plan -f spec.yaml").exit_code == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  CHECK(caught_up());
}

}  // namespace pgdecl::testing

namespace pgdecl::testing {

TEST_CASE("a setting read only at start reaches the primary while a replica takes the writes",
          "[e2e][docker][postgres][replica][switchover]") {
  ClusterFixture cluster("switchrestart");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string started = scalar(*cluster.connect(), kStartTime);

  SteadyWriter writer(cluster, {"master", "replica1"});
  std::string raised = replica_spec(cluster.name(), 1);
  raised.replace(raised.find("max_connections: 50"), 19, "max_connections: 60");
  cluster.write_spec(raised);
  auto plan = cluster.run("plan -f spec.yaml");
  INFO(plan.out);
  CHECK(contains(plan.out, "writes move to a streaming replica by a switchover first, and back after"));
  auto applied = cluster.run("apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);

  auto master = connect_node(cluster, "master");
  CHECK(scalar(*master, "show max_connections") == "60");
  CHECK(scalar(*master, kStartTime) != started);
  check_primary_is(cluster, "master", {"replica1"});
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  writer.check_nothing_lost();
}

}  // namespace pgdecl::testing
