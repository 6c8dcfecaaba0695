#include <catch2/catch.hpp>

#include "cluster/plan_rules/restart_order.h"
#include "cluster/plan_rules/rolling_order.h"

using namespace pgdecl;
using namespace pgdecl::engine;

namespace {

PlannedChange settings_change(const std::string& node, const std::string& before, const std::string& after,
                              const std::string& parameter = "max_connections") {
  PlannedChange change;
  change.address = {resource_type::kSettings, node};
  change.action = Action::kUpdate;
  change.restart = true;
  change.changes.push_back({parameter, before, after, ChangeKind::kRestart});
  return change;
}

spec::ClusterSpec two_replicas() {
  spec::ClusterSpec spec;
  spec.master.name = "master";
  spec::ReplicaSpec one, two;
  one.name = "replica1";
  two.name = "replica2";
  spec.replicas = {one, two};
  return spec;
}

bool depends(const Plan& plan, const std::string& dependent, const std::string& dependency) {
  auto found = plan.order.find(dependent);
  if (found == plan.order.end()) return false;
  return std::find(found->second.begin(), found->second.end(), dependency) != found->second.end();
}

PlannedChange container_replaced(const std::string& node) {
  PlannedChange change;
  change.address = {resource_type::kContainer, node};
  change.action = Action::kReplace;
  change.changes.push_back({"image", "postgres:15", "postgres:15-new", ChangeKind::kReplace});
  return change;
}

// The rules as the planner runs them, in order.
void order_and_roll(Plan& plan) {
  order_restarts(plan, two_replicas());
  roll_over_nodes(plan, two_replicas());
}

}  // namespace

TEST_CASE("a raised standby minimum restarts the replicas before the master", "[unit]") {
  Plan plan;
  plan.changes = {settings_change("master", "50", "60"), settings_change("replica1", "50", "60"),
                  settings_change("replica2", "50", "60")};
  order_restarts(plan, two_replicas());
  CHECK(depends(plan, "pg_settings.master", "pg_settings.replica1"));
  CHECK(depends(plan, "pg_settings.master", "pg_settings.replica2"));
  CHECK_FALSE(depends(plan, "pg_settings.replica1", "pg_settings.master"));
}

TEST_CASE("a lowered standby minimum restarts the master first", "[unit]") {
  Plan plan;
  plan.changes = {settings_change("master", "60", "50"), settings_change("replica1", "60", "50")};
  order_restarts(plan, two_replicas());
  CHECK(depends(plan, "pg_settings.replica1", "pg_settings.master"));
  CHECK_FALSE(depends(plan, "pg_settings.master", "pg_settings.replica1"));
  CHECK(lowers_standby_minimum(plan.changes[0]));
}

TEST_CASE("every parameter a standby needs at least as high orders the restarts by its direction", "[unit]") {
  // PostgreSQL's list (hot standby, "Administrator's Overview"), and one
  // restart-only parameter outside it.
  const std::string parameter =
      GENERATE(as<std::string>{}, "max_connections", "max_worker_processes", "max_wal_senders",
               "max_prepared_transactions", "max_locks_per_transaction", "max_replication_slots");
  const bool standby_minimum = parameter != "max_replication_slots";
  struct Step {
    const char* before;
    const char* after;
    bool goes_down;
  };
  for (const auto& [before, after, goes_down] : {Step{"20", "10", true}, Step{"10", "20", false}}) {
    INFO(parameter << " " << before << " -> " << after);
    Plan plan;
    plan.changes = {settings_change("master", before, after, parameter),
                    settings_change("replica1", before, after, parameter)};
    order_restarts(plan, two_replicas());
    const bool master_first = standby_minimum && goes_down;
    CHECK(lowers_standby_minimum(plan.changes[0]) == master_first);
    CHECK(depends(plan, "pg_settings.replica1", "pg_settings.master") == master_first);
    CHECK(depends(plan, "pg_settings.master", "pg_settings.replica1") == !master_first);
  }
}

TEST_CASE("a replica being made again is not ordered against the master's restart", "[unit]") {
  Plan plan;
  PlannedChange container;
  container.address = {resource_type::kContainer, "replica2"};
  container.action = Action::kCreate;
  plan.changes = {settings_change("master", "50", "60"), settings_change("replica1", "50", "60"),
                  settings_change("replica2", "50", "60"), container};
  order_restarts(plan, two_replicas());
  CHECK(depends(plan, "pg_settings.master", "pg_settings.replica1"));
  // replica2 already waits for the master through its container: an edge
  // the other way would close a cycle.
  CHECK_FALSE(depends(plan, "pg_settings.master", "pg_settings.replica2"));
}

TEST_CASE("restarts are not ordered when the master does not restart", "[unit]") {
  Plan plan;
  PlannedChange master = settings_change("master", "4MB", "8MB");
  master.restart = false;
  plan.changes = {master, settings_change("replica1", "50", "60")};
  order_restarts(plan, two_replicas());
  CHECK(plan.order.empty());
}

TEST_CASE("a new image reaches the replicas one at a time, the master last", "[unit]") {
  Plan plan;
  plan.changes = {container_replaced("master"), container_replaced("replica1"),
                  container_replaced("replica2")};
  order_and_roll(plan);
  CHECK(depends(plan, "docker_container.replica2", "docker_container.replica1"));
  CHECK(depends(plan, "docker_container.master", "docker_container.replica2"));
  CHECK_FALSE(depends(plan, "docker_container.replica1", "docker_container.replica2"));
  CHECK(plan.changes[0].reasons.at(0) == "the master goes last, once every replica streams again");
  // By default writes move away meanwhile (ha.primary_update: switchover).
  CHECK(plan.changes[0].reasons.at(1).find("writes move to a streaming replica by a switchover first") == 0);
  CHECK(plan.changes[2].reasons.back() ==
        "one replica at a time: it waits until docker_container.replica1 streams again");
}

TEST_CASE("restarts reach the replicas one at a time, in the order the standby minimum gives the master",
          "[unit]") {
  // max_connections from `before` to `after` on every node, ordered and rolled.
  auto every_node = [](const char* before, const char* after) {
    Plan plan;
    for (const char* node : {"master", "replica1", "replica2"})
      plan.changes.push_back(settings_change(node, before, after));
    order_and_roll(plan);
    return plan;
  };
  const Plan raised = every_node("50", "60");
  CHECK(depends(raised, "pg_settings.replica2", "pg_settings.replica1"));
  CHECK(depends(raised, "pg_settings.master", "pg_settings.replica2"));
  // order_restarts said the master goes last already: said once, and that
  // writes move away meanwhile.
  REQUIRE(raised.changes[0].reasons.size() == 2);
  CHECK(raised.changes[0].reasons[1].find("writes move to a streaming replica") == 0);
  const Plan lowered = every_node("60", "50");
  // A lowered minimum restarts the master first, in place.
  for (const auto& reason : lowered.changes[0].reasons)
    CHECK(reason.find("writes move") == std::string::npos);
  CHECK(depends(lowered, "pg_settings.replica1", "pg_settings.master"));
  CHECK(depends(lowered, "pg_settings.replica2", "pg_settings.replica1"));
  CHECK_FALSE(depends(lowered, "pg_settings.master", "pg_settings.replica2"));
}

TEST_CASE("a replica being copied anew, or a single node going down, is not rolled", "[unit]") {
  Plan plan;
  PlannedChange copy;
  copy.address = {resource_type::kReplica, "replica1"};
  copy.action = Action::kReplace;
  plan.changes = {container_replaced("master"), container_replaced("replica1"), copy};
  order_and_roll(plan);
  CHECK(plan.order.empty());
  CHECK(plan.changes[0].reasons.empty());
}

TEST_CASE("a new image and a restart-only setting are two steps of a node, and the next node waits for both",
          "[unit]") {
  Plan plan;
  plan.changes = {container_replaced("master"),   settings_change("master", "100", "110"),
                  container_replaced("replica1"), settings_change("replica1", "100", "110"),
                  container_replaced("replica2"), settings_change("replica2", "100", "110")};
  order_and_roll(plan);
  // replica1's settings restart comes after its new container (their
  // dependency), and replica2 is not taken down until both are done; the
  // master goes last, after replica2's restart.
  CHECK(depends(plan, "docker_container.replica2", "pg_settings.replica1"));
  CHECK_FALSE(depends(plan, "docker_container.replica2", "docker_container.replica1"));
  CHECK(depends(plan, "docker_container.master", "pg_settings.replica2"));
}
