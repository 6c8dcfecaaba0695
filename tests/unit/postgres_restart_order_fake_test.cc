// Settings that restart nodes, read from recording fake servers, and the
// order the cluster's plan rules give those restarts: a standby never runs
// with a value its master needs at least as high set lower than the
// master's.
#include <catch2/catch.hpp>

#include "cluster/plan_rules/cluster_plan_rules.h"
#include "providers/postgres/config/config_providers.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using pgdecl::pg::testing::FakeNodeWorld;
using pgdecl::pg::testing::FakeServer;

namespace {

std::string spec_with_max_connections(int value) {
  return pg::testing::one_replica_spec("order",
                                       "parameters: { max_connections: " + std::to_string(value) + " }");
}

// A server running max_connections = 100, as its pgdecl.conf says: name,
// known, shown value, setting, type, unit, context, min, max, choices,
// ALTER SYSTEM's value, pgdecl.conf's value, pending restart,
// postgresql.conf's value, built-in default.
void serve_max_connections_100(FakeServer& server) {
  server.answer("WITH file AS", {{"max_connections", "t", "100", "100", "integer", "", "postmaster", "1",
                                  "262143", "", std::nullopt, "100", "f", std::nullopt, "100"}});
}

// The plan of both nodes' settings, as the providers read and plan them,
// refined by the cluster's rules.
engine::Plan plan_settings(int max_connections) {
  const std::string spec = spec_with_max_connections(max_connections);
  FakeNodeWorld world(spec);
  serve_max_connections_100(world.add("master"));
  serve_max_connections_100(world.add("replica1", "7000000000000000001"));
  world.start();
  auto settings = pg::make_settings_provider(world.context());
  engine::Plan plan;
  for (const char* node : {"master", "replica1"}) {
    plan.changes.push_back(world.read_and_plan(*settings, {resource_type::kSettings, node}));
    INFO(node);
    CHECK(plan.changes.back().restart);
  }
  for (const auto& rule : engine::cluster_plan_rules(world.context().spec, {}, false))
    REQUIRE(rule.refine(plan));
  return plan;
}

std::vector<std::string> waits_for(const engine::Plan& plan, const std::string& address) {
  auto found = plan.order.find(address);
  return found == plan.order.end() ? std::vector<std::string>{} : found->second;
}

}  // namespace

TEST_CASE("max_connections raised on every node restarts the replica before the master", "[unit][pg-fake]") {
  const auto plan = plan_settings(200);
  CHECK(waits_for(plan, "pg_settings.master") == std::vector<std::string>{"pg_settings.replica1"});
  CHECK(waits_for(plan, "pg_settings.replica1").empty());
}

TEST_CASE("max_connections lowered on every node restarts the master first", "[unit][pg-fake]") {
  const auto plan = plan_settings(50);
  CHECK(waits_for(plan, "pg_settings.replica1") == std::vector<std::string>{"pg_settings.master"});
  CHECK(waits_for(plan, "pg_settings.master").empty());
}
