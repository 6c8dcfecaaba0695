#include <catch2/catch.hpp>

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

// Two copies side by side, each after its volume, as a cluster's replicas.
struct Fixture {
  FakeWorld world;
  ProviderRegistry providers;
  PlanRequest request;

  Fixture() {
    providers.add(std::make_unique<FakeProvider>("docker_volume", world));
    providers.add(std::make_unique<FakeProvider>("pg_replica", world));
    request.cluster = "t";
    request.desired = {{a("docker_volume.a"), {{"name", "a"}}, {}},
                       {a("docker_volume.b"), {{"name", "b"}}, {}},
                       {a("pg_replica.a"), {{"data", "copy"}}, {a("docker_volume.a")}},
                       {a("pg_replica.b"), {{"data", "copy"}}, {a("docker_volume.b")}}};
  }
};

class NoRecorder : public StateRecorder {
 public:
  Status record(const Address&, const std::optional<LiveResource>&,
                const std::vector<std::string>&) override {
    return Status::ok();
  }
};

PlanRule add_edge(const char* dependent, const char* dependency) {
  return {"ordering the copies", [=](Plan& plan) {
            plan.dependencies[dependent].push_back(dependency);
            return Status::ok();
          }};
}

}  // namespace

TEST_CASE("the planner runs the domain's rules in order, after the diff", "[engine][plan]") {
  Fixture f;
  std::vector<std::string> seen;
  f.request.rules = {{"first",
                      [&](Plan& plan) {
                        seen.push_back("first sees " + std::to_string(plan.summary().add) + " to add");
                        return Status::ok();
                      }},
                     {"second", [&](Plan&) {
                        seen.push_back("second");
                        return Status::ok();
                      }}};
  REQUIRE(make_plan(f.request, f.providers));
  CHECK(seen == std::vector<std::string>{"first sees 4 to add", "second"});
}

TEST_CASE("a rule's failure is the plan's, named by the rule", "[engine][plan]") {
  Fixture f;
  f.request.rules = {{"batching the copies", [](Plan&) { return Status::failed("no master"); }}};
  auto plan = make_plan(f.request, f.providers);
  REQUIRE_FALSE(plan);
  CHECK(plan.status().message() == "batching the copies: no master");
}

TEST_CASE("an order a rule adds is checked for cycles before the plan is shown", "[engine][plan]") {
  Fixture f;
  f.request.rules = {add_edge("pg_replica.b", "pg_replica.a")};
  auto ordered = make_plan(f.request, f.providers);
  REQUIRE(ordered);
  CHECK(ordered->dependencies.at("pg_replica.b") ==
        std::vector<std::string>{"docker_volume.b", "pg_replica.a"});

  f.request.rules.push_back(add_edge("pg_replica.a", "pg_replica.b"));
  auto cyclic = make_plan(f.request, f.providers);
  REQUIRE_FALSE(cyclic);
  CHECK(cyclic.status().message().find("ordering the plan: dependency cycle: pg_replica.") == 0);
}

TEST_CASE("apply takes every intent from the plan: its order, and batches from a saved plan",
          "[engine][apply]") {
  Fixture f;
  f.request.rules = {add_edge("pg_replica.b", "pg_replica.a"),
                     {"batching the copies", [](Plan& plan) {
                        plan.batches.push_back({"pg_replica.a", "pg_replica.b"});
                        return Status::ok();
                      }}};
  auto plan = make_plan(f.request, f.providers);
  REQUIRE(plan);
  // Saved and read back: what apply is given is only the file.
  auto saved = parse_plan_file(serialize_plan_file({*plan, "/x/spec.yaml", "abc"}), "p.json");
  REQUIRE(saved);
  CHECK(saved->plan.batches == plan->batches);
  CHECK(saved->plan.dependencies == plan->dependencies);
  f.world.calls.clear();
  NoRecorder recorder;
  REQUIRE(apply_plan(saved->plan, f.providers, recorder, {4, {}, {}}).ok());
  const auto& calls = f.world.calls;
  // Every provider is told of the plan before any step, and sees its batch.
  REQUIRE(calls.size() == 6);
  CHECK(std::is_permutation(
      calls.begin(), calls.begin() + 2,
      std::vector<std::string>{"begin docker_volume", "begin pg_replica pg_replica.a,pg_replica.b"}.begin()));
  auto at = [&](const std::string& call) {
    return std::find(calls.begin(), calls.end(), call) - calls.begin();
  };
  CHECK(at("create pg_replica.a") < at("create pg_replica.b"));
}
