// A gate (a node's connection) is a point in the graph: never read, planned
// or recorded, passed by apply before the changes that depend on it.
#include <catch2/catch.hpp>
#include <set>

#include "engine/apply/applier.h"
#include "engine/plan/planner.h"
#include "engine/plan/render.h"
#include "tests/support/fake_provider.h"

using namespace pgdecl;
using namespace pgdecl::engine;
using pgdecl::testing::FakeProvider;
using pgdecl::testing::FakeWorld;

namespace {

Address a(const char* text) { return *Address::parse(text); }

class FakeGate : public ResourceProvider {
 public:
  explicit FakeGate(FakeWorld& world) : world_(world) {}
  std::string type() const override { return "pg_connection"; }
  bool is_gate() const override { return true; }
  Result<std::optional<LiveResource>> read(const Address& address) override {
    std::lock_guard lock(world_.mutex);
    world_.calls.push_back("read " + address.to_string());
    return std::optional<LiveResource>();
  }
  ApplyOutcome apply(const PlannedChange& change) override {
    std::lock_guard lock(world_.mutex);
    const std::string address = change.address.to_string();
    world_.calls.push_back("pass " + address);
    if (world_.fail_apply.count(address)) return {Status::failed("the server never came up"), std::nullopt};
    return {Status::ok(), std::nullopt};
  }

 private:
  FakeWorld& world_;
};

// Every call the applier makes to the state, live or not.
class MemoryRecorder : public StateRecorder {
 public:
  std::map<std::string, std::vector<std::string>> recorded;
  Status record(const Address& address, const std::optional<LiveResource>&,
                const std::vector<std::string>& depends_on) override {
    recorded[address.to_string()] = depends_on;
    return Status::ok();
  }
};

struct Fixture {
  FakeWorld world;
  ProviderRegistry providers;
  std::vector<DesiredResource> desired = {
      {a("docker_container.master"), {{"image", "postgres:15"}}, {}},
      {a("pg_connection.master"), {}, {a("docker_container.master")}},
      {a("pg_role.app"), {{"login", "true"}}, {a("docker_container.master"), a("pg_connection.master")}},
      {a("pg_role.ops"), {{"login", "false"}}, {a("docker_container.master"), a("pg_connection.master")}},
  };

  Fixture() {
    providers.add(std::make_unique<FakeProvider>("docker_container", world));
    providers.add(std::make_unique<FakeProvider>("pg_role", world));
    providers.add(std::make_unique<FakeGate>(world));
  }

  Plan plan() {
    PlanRequest request;
    request.cluster = "t";
    request.desired = desired;
    auto made = make_plan(request, providers);
    REQUIRE(made);
    return *made;
  }
};

std::size_t position(const std::vector<std::string>& calls, const std::string& call) {
  auto found = std::find(calls.begin(), calls.end(), call);
  REQUIRE(found != calls.end());
  return static_cast<std::size_t>(found - calls.begin());
}

}  // namespace

TEST_CASE("a gate is in the graph but not in the plan, and is passed once before what waits for it",
          "[engine][apply]") {
  Fixture f;
  Plan plan = f.plan();
  CHECK(f.world.calls_matching("read pg_connection").empty());
  for (const auto& change : plan.changes) CHECK(change.address.type != "pg_connection");
  CHECK(plan.summary().add == 3);
  CHECK(render_plan_text(plan, {}).find("pg_connection") == std::string::npos);
  CHECK(render_plan_json(plan).find("pg_connection") == std::string::npos);

  MemoryRecorder recorder;
  REQUIRE(apply_plan(plan, f.providers, recorder, {4, {}, {}}).ok());
  const auto calls = f.world.calls;
  CHECK(f.world.calls_matching("pass").size() == 1);
  CHECK(position(calls, "create docker_container.master") < position(calls, "pass pg_connection.master"));
  CHECK(position(calls, "pass pg_connection.master") < position(calls, "create pg_role.app"));
  CHECK(position(calls, "pass pg_connection.master") < position(calls, "create pg_role.ops"));
  CHECK_FALSE(recorder.recorded.count("pg_connection.master"));
  // The state keeps resources and their edges; a gate is neither.
  CHECK(recorder.recorded.at("pg_role.app") == std::vector<std::string>{"docker_container.master"});

  SECTION("nothing to do on the node: the gate is not passed") {
    f.world.calls.clear();
    Plan calm = f.plan();
    CHECK_FALSE(calm.has_changes());
    REQUIRE(apply_plan(calm, f.providers, recorder, {4, {}, {}}).ok());
    CHECK(f.world.calls_matching("pass").empty());
  }
}

TEST_CASE("a gate that cannot be passed fails, and what waits for it is not attempted", "[engine][apply]") {
  Fixture f;
  f.world.fail_apply.insert("pg_connection.master");
  Plan plan = f.plan();
  MemoryRecorder recorder;
  auto report = apply_plan(plan, f.providers, recorder, {4, {}, {}});
  CHECK_FALSE(report.ok());
  CHECK(report.failures == std::vector<std::string>{"pg_connection.master: the server never came up"});
  CHECK(report.skipped.size() == 2);
  CHECK(f.world.calls_matching("create pg_role").empty());
  CHECK(recorder.recorded.count("docker_container.master"));
}

TEST_CASE("a drop waits for what it runs on: the gate and a settings change that may restart the server",
          "[engine][apply]") {
  Fixture f;
  f.providers.add(std::make_unique<FakeProvider>("pg_settings", f.world));
  f.desired.push_back({a("pg_settings.master"),
                       {{"work_mem", "16MB"}},
                       {a("docker_container.master"), a("pg_connection.master")}});
  f.world.put("docker_container.master", {{"image", "postgres:15"}});
  f.world.put("pg_settings.master", {{"work_mem", "8MB"}});
  f.world.put("pg_role.app", {{"login", "true"}});
  f.world.put("pg_role.ops", {{"login", "false"}});
  f.world.put("pg_role.old", {});
  // Were the drop not to wait, it would be done before the slow update.
  f.world.slow_apply.insert("pg_settings.master");
  PlanRequest request;
  request.cluster = "t";
  request.desired = f.desired;
  // Gone from the spec: its edges come from the state.
  request.prior = {{a("pg_role.old"), {a("docker_container.master"), a("pg_settings.master")}, true, {}}};
  auto plan = make_plan(request, f.providers);
  REQUIRE(plan);
  MemoryRecorder recorder;
  REQUIRE(apply_plan(*plan, f.providers, recorder, {4, {}, {}}).ok());
  const auto calls = f.world.calls;
  CHECK(position(calls, "pass pg_connection.master") < position(calls, "update pg_settings.master"));
  CHECK(position(calls, "update pg_settings.master") < position(calls, "delete pg_role.old"));
}

TEST_CASE("a gate is no target and no replacement", "[engine][plan]") {
  Fixture f;
  PlanRequest request;
  request.cluster = "t";
  request.desired = f.desired;
  request.targets = {a("pg_connection.master")};
  auto targeted = make_plan(request, f.providers);
  REQUIRE_FALSE(targeted);
  CHECK(targeted.status().message() ==
        "--target pg_connection.master: a node's connection, not a resource; name what runs on it");
  request.targets.clear();
  request.replace = {a("pg_connection.master")};
  CHECK_FALSE(make_plan(request, f.providers));
}
