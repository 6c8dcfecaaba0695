// The primary's container killed under `pgdecl reconcile`: writes resume on
// the most advanced replica, the old primary is fenced (started again by
// hand it serves only as a read-only standby), it rejoins as a replica,
// and the cluster goes back to the spec's primary. A client writing all
// the time through whichever node takes writes loses no acknowledged row:
// commits wait for one standby (synchronous_standby_names), so the replica
// with the most WAL has every one.
#include <csignal>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/replica_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

// The node that takes writes now, or "" when none does.
std::string writable_node(ClusterFixture& cluster, const std::vector<std::string>& nodes) {
  for (const auto& node : nodes) {
    auto container = cluster.docker().inspect_container(cluster.name() + "-" + node);
    if (!container || !container->has_value() || !(*container)->running() || !(*container)->published)
      continue;
    auto c = pg::Connection::open({"127.0.0.1", (*container)->published->host_port, "postgres", "postgres"},
                                  Secret(cluster.superuser_password()),
                                  {std::chrono::seconds(1), std::chrono::seconds(2)});
    if (!c) continue;
    auto recovery = (*c)->query("select pg_is_in_recovery()");
    if (recovery && !recovery->rows.empty() && recovery->rows[0][0] == std::optional<std::string>("f"))
      return node;
  }
  return "";
}

// Polls until `wanted(writable node)` holds, for up to `limit`.
std::string wait_for_writer(ClusterFixture& cluster, const std::function<bool(const std::string&)>& wanted,
                            std::chrono::seconds limit) {
  const std::vector<std::string> nodes{"master", "replica1", "replica2"};
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string node;
  while (std::chrono::steady_clock::now() < deadline) {
    node = writable_node(cluster, nodes);
    if (wanted(node)) return node;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return node;
}

}  // namespace

TEST_CASE(
    "a killed primary is failed over under reconcile, fenced, rejoined, and the spec's primary comes back",
    "[e2e][docker][postgres][replica][failover]") {
  ClusterFixture cluster("failover");
  cluster.write_spec(synchronous_replica_spec(cluster.name(), 2));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  SteadyWriter writer(cluster, {"master", "replica1", "replica2"});
  BackgroundPgdecl reconcile(cluster.dir(), "reconcile -f spec.yaml --interval 1s");
  REQUIRE(reconcile.wait_for_output("\"event\":\"in_sync\"", std::chrono::seconds(60)));

  REQUIRE(run_command("docker kill " + cluster.name() + "-master").exit_code == 0);
  const std::string promoted = wait_for_writer(
      cluster, [](const std::string& node) { return node == "replica1" || node == "replica2"; },
      std::chrono::seconds(60));
  INFO(reconcile.out());
  INFO(run_command("cat " + (cluster.dir() / "background.err").string()).out);
  REQUIRE((promoted == "replica1" || promoted == "replica2"));
  CHECK(contains(reconcile.out(), "a failover: master has not answered"));
  CHECK(read_write_alias_target(cluster, "replica2") == node_address(cluster, promoted));

  // The cluster goes back to the spec's primary once the old one streams.
  const std::string back = wait_for_writer(
      cluster, [](const std::string& node) { return node == "master"; }, std::chrono::seconds(120));
  CHECK(back == "master");
  // Converged: reconcile says the cluster is in sync again.
  CHECK(reconcile.wait_for_count("\"event\":\"in_sync\"", 2, std::chrono::seconds(60)));
  CHECK(read_write_alias_target(cluster, "replica2") == node_address(cluster, "master"));
  reconcile.signal(SIGTERM);
  auto stopped = reconcile.wait(std::chrono::seconds(120));
  CHECK(stopped.exit_code == 0);
  CHECK(contains(reconcile.out(), "\"event\":\"stop\""));

  // Fencing: the node that gave way is made to refuse writes when someone
  // starts it by hand. Here the last one to give way is the one promoted.
  auto status = cluster.run("status -f spec.yaml");
  INFO(status.out);
  INFO(reconcile.out());
  CHECK(status.exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  writer.check_nothing_lost();
}

TEST_CASE("after a failover the old primary, started again by hand, serves only as a read-only standby",
          "[e2e][docker][postgres][replica][failover]") {
  ClusterFixture cluster("fenced");
  // It stays where the failover put it: no switchover back.
  const std::string spec = replica_spec(cluster.name(), 1) + "ha:\n  failover_delay: 0s\n  failback: false\n";
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  REQUIRE(run_command("docker kill " + cluster.name() + "-master").exit_code == 0);
  auto plan = cluster.run("plan -f spec.yaml");
  INFO(plan.out << plan.err);
  CHECK(contains(plan.out, "a failover: master has not answered"));
  CHECK(contains(plan.out, "every other change waits"));
  auto failover = cluster.run("apply -f spec.yaml --auto-approve");
  INFO(failover.out << failover.err);
  REQUIRE(failover.exit_code == 0);
  CHECK(writable_node(cluster, {"master", "replica1"}) == "replica1");
  CHECK(read_write_alias_target(cluster, "replica1") == node_address(cluster, "replica1"));
  auto settled = cluster.run("plan -f spec.yaml --detailed-exitcode");
  INFO(settled.out << settled.err);
  CHECK(settled.exit_code == 0);

  // Started again by hand, or by Docker after an engine restart: read-only.
  REQUIRE(run_command("docker restart " + cluster.name() + "-master").exit_code == 0);
  auto old_primary = connect_node(cluster, "master");
  CHECK(eventually(*old_primary, "select pg_is_in_recovery()::text") == "true");
  CHECK_FALSE(old_primary->execute("create table split_brain (n int)"));
  CHECK(writable_node(cluster, {"master", "replica1"}) == "replica1");
}

}  // namespace pgdecl::testing
