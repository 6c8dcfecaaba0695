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

struct Fixture {
  FakeWorld world;
  ProviderRegistry providers;
  std::vector<DesiredResource> desired;

  Fixture() {
    providers.add(std::make_unique<FakeProvider>(
        "docker_network", world, AttributeSchema{{"subnet", {ChangeKind::kReplace, "the subnet changes"}}}));
    providers.add(std::make_unique<FakeProvider>("docker_volume", world));
    providers.add(std::make_unique<FakeProvider>(
        "docker_container", world, AttributeSchema{{"image", {ChangeKind::kReplace, "the image changes"}}},
        true));
    providers.add(std::make_unique<FakeProvider>("pg_hba", world));
    desired = {
        {a("docker_network.net"), {{"subnet", "10.1.0.0/16"}}, {}},
        {a("docker_volume.data"), {{"name", "data"}}, {}},
        {a("docker_volume.other"), {{"name", "other"}}, {}},
        {a("docker_container.master"),
         {{"image", "postgres:15"}},
         {a("docker_network.net"), a("docker_volume.data")}},
        {a("pg_hba.master"),
         {{"rules", "host all all samenet scram-sha-256"}},
         {a("docker_container.master")}},
    };
  }

  PlanRequest request() const {
    PlanRequest r;
    r.cluster = "t";
    r.desired = desired;
    return r;
  }
};

// Records in memory what the applier reports, as the state file would.
class MemoryRecorder : public StateRecorder {
 public:
  std::map<std::string, std::vector<std::string>> records;
  Status record(const Address& address, const std::optional<LiveResource>& live,
                const std::vector<std::string>& depends_on) override {
    if (live) {
      records[address.to_string()] = depends_on;
    } else {
      records.erase(address.to_string());
    }
    return Status::ok();
  }
};

std::size_t position(const std::vector<std::string>& calls, const std::string& call) {
  auto found = std::find(calls.begin(), calls.end(), call);
  REQUIRE(found != calls.end());
  return static_cast<std::size_t>(found - calls.begin());
}

// Two copies side by side, each after its volume, as a cluster's replicas.
struct RulesFixture {
  FakeWorld world;
  ProviderRegistry providers;
  PlanRequest request;

  RulesFixture() {
    providers.add(std::make_unique<FakeProvider>("docker_volume", world));
    providers.add(std::make_unique<FakeProvider>("pg_replica", world));
    request.cluster = "t";
    request.desired = {{a("docker_volume.a"), {{"name", "a"}}, {}},
                       {a("docker_volume.b"), {{"name", "b"}}, {}},
                       {a("pg_replica.a"), {{"data", "copy"}}, {a("docker_volume.a")}},
                       {a("pg_replica.b"), {{"data", "copy"}}, {a("docker_volume.b")}}};
  }
};

PlanRule add_edge(const char* dependent, const char* dependency) {
  return {"ordering the copies", [=](Plan& plan) {
            plan.order[dependent].push_back(dependency);
            return Status::ok();
          }};
}

}  // namespace

TEST_CASE("plan only reads, and a fresh cluster plans every resource for creation", "[engine][plan]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  REQUIRE(plan);
  CHECK(f.world.calls_matching("read").size() == f.world.calls.size());
  CHECK(plan->summary().add == 5);
  CHECK(plan->changes.front().address.to_string() == "docker_network.net");
  auto text = render_plan_text(*plan, {});
  CHECK(text.find("  + docker_container.master\n") != std::string::npos);
  CHECK(text.find("Plan: 5 to add, 0 to change, 0 to destroy.") != std::string::npos);
}

TEST_CASE("apply follows the graph, and a second plan has nothing to do", "[engine][apply]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  MemoryRecorder recorder;
  auto report = apply_plan(*plan, f.providers, recorder, {4, {}, {}});
  REQUIRE(report.ok());
  CHECK(report.done == 5);
  auto calls = f.world.calls;
  CHECK(position(calls, "create docker_network.net") < position(calls, "create docker_container.master"));
  CHECK(position(calls, "create docker_volume.data") < position(calls, "create docker_container.master"));
  CHECK(position(calls, "create docker_container.master") < position(calls, "create pg_hba.master"));
  CHECK(recorder.records.at("docker_container.master") ==
        std::vector<std::string>{"docker_network.net", "docker_volume.data"});

  auto again = make_plan(f.request(), f.providers);
  REQUIRE(again);
  CHECK_FALSE(again->has_changes());
  CHECK(render_plan_text(*again, {}).find("No changes.") == 0);
}

TEST_CASE("a failed step skips its dependents; independent steps finish and are recorded",
          "[engine][apply]") {
  Fixture f;
  f.world.fail_apply.insert("docker_container.master");
  auto plan = make_plan(f.request(), f.providers);
  MemoryRecorder recorder;
  auto report = apply_plan(*plan, f.providers, recorder, {1, {}, {}});
  CHECK_FALSE(report.ok());
  CHECK(report.failures == std::vector<std::string>{"docker_container.master: injected failure"});
  CHECK(report.skipped.size() == 1);
  CHECK(report.skipped[0].find("pg_hba.master") == 0);
  CHECK(f.world.calls_matching("create pg_hba").empty());
  CHECK(recorder.records.count("docker_network.net"));
  CHECK(recorder.records.count("docker_volume.other"));
  CHECK_FALSE(recorder.records.count("docker_container.master"));
}

TEST_CASE("destroy removes dependents before what they depend on", "[engine][apply]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  MemoryRecorder recorder;
  REQUIRE(apply_plan(*plan, f.providers, recorder, {4, {}, {}}).ok());
  PlanRequest destroy = f.request();
  for (const auto& d : destroy.desired) destroy.prior.push_back({d.address, d.depends_on, true});
  destroy.desired.clear();
  destroy.destroy = true;
  auto teardown = make_plan(destroy, f.providers);
  REQUIRE(teardown);
  CHECK(teardown->summary().destroy == 5);
  REQUIRE(apply_plan(*teardown, f.providers, recorder, {4, {}, {}}).ok());
  auto calls = f.world.calls;
  CHECK(position(calls, "delete pg_hba.master") < position(calls, "delete docker_container.master"));
  CHECK(position(calls, "delete docker_container.master") < position(calls, "delete docker_network.net"));
  CHECK(f.world.objects.empty());
  CHECK(recorder.records.empty());
}

TEST_CASE("replacing a network replaces the container on it, with the reason", "[engine][plan]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  MemoryRecorder recorder;
  REQUIRE(apply_plan(*plan, f.providers, recorder, {4, {}, {}}).ok());
  f.desired[0].attributes["subnet"] = "10.2.0.0/16";
  auto replan = make_plan(f.request(), f.providers);
  REQUIRE(replan);
  const PlannedChange* container = nullptr;
  for (const auto& c : replan->changes) {
    if (c.address.to_string() == "docker_container.master") container = &c;
  }
  REQUIRE(container);
  CHECK(container->action == Action::kReplace);
  CHECK(container->reasons == std::vector<std::string>{"docker_network.net is replaced"});
  auto text = render_plan_text(*replan, {});
  CHECK(text.find("-/+ docker_container.master") != std::string::npos);
  CHECK(text.find("#   because docker_network.net is replaced") != std::string::npos);
  CHECK(text.find("Plan: 2 to add, 0 to change, 2 to destroy.") != std::string::npos);

  // --target reaches the target and what it needs, never what depends on it.
  auto request = f.request();
  request.targets = {a("docker_network.net")};
  auto targeted = make_plan(request, f.providers);
  REQUIRE(targeted);
  CHECK(targeted->summary().add == 1);
  for (const auto& c : targeted->changes) {
    if (c.address.to_string() == "docker_container.master") CHECK_FALSE(c.is_change());
  }
}

TEST_CASE("--replace forces a replacement; an unknown address is an error", "[engine][plan]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  MemoryRecorder recorder;
  REQUIRE(apply_plan(*plan, f.providers, recorder, {4, {}, {}}).ok());
  auto request = f.request();
  request.replace = {a("docker_volume.other")};
  auto forced = make_plan(request, f.providers);
  REQUIRE(forced);
  CHECK(forced->summary().add == 1);
  request.replace = {a("docker_volume.nope")};
  auto bad = make_plan(request, f.providers);
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message() == "--replace docker_volume.nope: no such resource in the spec or the state");
}

TEST_CASE("a resource the state knows but Docker lost is recreated with the reason", "[engine][plan]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  MemoryRecorder recorder;
  REQUIRE(apply_plan(*plan, f.providers, recorder, {4, {}, {}}).ok());
  f.world.objects.erase("docker_container.master");
  auto request = f.request();
  for (const auto& d : request.desired) request.prior.push_back({d.address, d.depends_on, true});
  auto replan = make_plan(request, f.providers);
  REQUIRE(replan);
  auto text = render_plan_text(*replan, {});
  CHECK(text.find("# docker_container.master will be created\n  #   because it no longer exists (removed "
                  "outside pgdecl)") != std::string::npos);
}

TEST_CASE("JSON plan and plan file keep the Terraform shape and round-trip", "[engine][plan]") {
  Fixture f;
  auto plan = make_plan(f.request(), f.providers);
  REQUIRE(plan);
  std::string json = render_plan_json(*plan);
  CHECK(json.find("\"resource_changes\"") != std::string::npos);
  CHECK(json.find("\"actions\": [\n          \"create\"\n        ]") != std::string::npos);
  CHECK(json.find("not_ours") == std::string::npos);
  // A destroy names what it leaves as not the cluster's, in JSON as in text.
  plan->not_ours = {"volume t-data (it carries no pgdecl.cluster label: pgdecl did not make it)"};
  CHECK(render_plan_json(*plan).find("\"not_ours\": [\n    \"volume t-data (it carries no pgdecl.cluster "
                                     "label: pgdecl did not make it)\"\n  ]") != std::string::npos);
  PlanFile file{*plan, "/x/spec.yaml", "abc"};
  auto parsed = parse_plan_file(serialize_plan_file(file), "p.json");
  REQUIRE(parsed);
  CHECK(parsed->plan.changes.size() == plan->changes.size());
  CHECK(parsed->plan.changes[3].after->depends_on == plan->changes[3].after->depends_on);
  CHECK(parsed->plan.dependencies == plan->dependencies);
  CHECK_FALSE(parse_plan_file("{\"x\":1}", "p.json"));
}

TEST_CASE("the planner runs the domain's rules in order, after the diff", "[engine][plan]") {
  RulesFixture f;
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
  RulesFixture f;
  f.request.rules = {{"batching the copies", [](Plan&) { return Status::failed("no master"); }}};
  auto plan = make_plan(f.request, f.providers);
  REQUIRE_FALSE(plan);
  CHECK(plan.status().message() == "batching the copies: no master");
}

TEST_CASE("an order a rule adds is checked for cycles before the plan is shown", "[engine][plan]") {
  RulesFixture f;
  f.request.rules = {add_edge("pg_replica.b", "pg_replica.a")};
  auto ordered = make_plan(f.request, f.providers);
  REQUIRE(ordered);
  CHECK(ordered->order.at("pg_replica.b") == std::vector<std::string>{"pg_replica.a"});
  // An order for this apply only: the resources' own edges are as the spec has them.
  CHECK(ordered->dependencies.at("pg_replica.b") == std::vector<std::string>{"docker_volume.b"});

  f.request.rules.push_back(add_edge("pg_replica.a", "pg_replica.b"));
  auto cyclic = make_plan(f.request, f.providers);
  REQUIRE_FALSE(cyclic);
  CHECK(cyclic.status().message().find("ordering the plan: dependency cycle: pg_replica.") == 0);
}

TEST_CASE("apply takes every intent from the plan: its order, and batches from a saved plan",
          "[engine][apply]") {
  RulesFixture f;
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
  CHECK(saved->plan.order == plan->order);
  f.world.calls.clear();
  MemoryRecorder recorder;
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
  // The order was this apply's: the state records only the resource's edges.
  CHECK(recorder.records.at("pg_replica.b") == std::vector<std::string>{"docker_volume.b"});
}
