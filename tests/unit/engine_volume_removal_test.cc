// Whether a data volume that leaves goes with its data: --purge-volumes,
// prevent_destroy (the spec's, else the state's), and the volumes apply
// never removes.

#include <catch2/catch.hpp>

#include "cluster/plan_rules/volume_removal.h"
#include "engine/apply/applier.h"
#include "engine/plan/planner.h"
#include "engine/plan/render.h"
#include "tests/support/fake_provider.h"

using namespace pgdecl;
using namespace pgdecl::engine;
using pgdecl::testing::FakeProvider;
using pgdecl::testing::FakeWorld;

namespace {

Address a(const std::string& text) { return *Address::parse(text); }

class NullRecorder : public StateRecorder {
 public:
  Status record(const Address&, const std::optional<LiveResource>&,
                const std::vector<std::string>&) override {
    return Status::ok();
  }
};

std::size_t position(const std::vector<std::string>& calls, const std::string& call) {
  auto found = std::find(calls.begin(), calls.end(), call);
  REQUIRE(found != calls.end());
  return static_cast<std::size_t>(found - calls.begin());
}

// Cluster t: a master on volume `data` and replica2 on `replica2_data`,
// both made and recorded; the spec has just dropped replica2 (scale 2 -> 1).
struct ScaleIn {
  FakeWorld world;
  ProviderRegistry providers;
  spec::ClusterSpec spec;
  RecordedAttributes state;
  PlanRequest request;

  ScaleIn() {
    auto volumes = std::make_unique<FakeProvider>("docker_volume", world);
    volumes->set_recorded_attributes({"prevent_destroy"});  // as the Docker volume provider does
    providers.add(std::move(volumes));
    providers.add(std::make_unique<FakeProvider>("docker_container", world));
    auto copies = std::make_unique<FakeProvider>("pg_replica", world);
    copies->set_forgotten_when_removed(true);
    providers.add(std::move(copies));
    spec.name = "t";
    spec.master.name = "master";
    spec.master.volume = "data";
    spec.volumes["data"] = {"data", true, {}};

    // Docker cannot tell prevent_destroy: a read says "true".
    made("docker_volume.data", {{"name", "t-data"}, {"prevent_destroy", "true"}}, {});
    made("docker_volume.replica2_data", {{"name", "t-replica2_data"}, {"prevent_destroy", "true"}}, {});
    made("docker_container.master", {{"volume", "t-data"}, {"role", "master"}}, {"docker_volume.data"});
    made("docker_container.replica2", {{"volume", "t-replica2_data"}, {"role", "replica"}},
         {"docker_volume.replica2_data"});
    made("pg_replica.replica2", {{"source", "master"}},
         {"docker_volume.replica2_data", "docker_container.replica2"});
    request.cluster = "t";
    request.desired = {{a("docker_volume.data"), {{"name", "t-data"}, {"prevent_destroy", "true"}}, {}},
                       {a("docker_container.master"),
                        {{"volume", "t-data"}, {"role", "master"}},
                        {a("docker_volume.data")}}};
  }

  // Live in Docker, and recorded in the state as made.
  void made(const std::string& address, Attributes attributes, std::vector<std::string> depends_on) {
    world.put(address, attributes);
    state[address] = attributes;
    PriorResource prior{a(address), {}, true, attributes};
    for (const auto& d : depends_on) prior.depends_on.push_back(a(d));
    request.prior.push_back(std::move(prior));
  }

  void record_attribute(const std::string& address, const std::string& name, const std::string& value) {
    state[address][name] = value;
    for (auto& prior : request.prior) {
      if (prior.address == a(address)) prior.attributes[name] = value;
    }
  }

  Plan plan(bool purge) {
    auto made_plan = make_plan(request, providers);
    REQUIRE(made_plan);
    made_plan->purge_volumes = purge;
    decide_volume_removals(*made_plan, spec, state, purge);
    return *made_plan;
  }
};

const PlannedChange& change_of(const Plan& plan, const std::string& address) {
  for (const auto& change : plan.changes) {
    if (change.address.to_string() == address) return change;
  }
  FAIL("no change for " << address);
  throw std::logic_error("unreachable");
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a volume that leaves the spec is kept, unless --purge-volumes removes it after its container",
          "[engine][plan][volumes]") {
  ScaleIn f;
  Plan kept = f.plan(false);
  const PlannedChange& volume = change_of(kept, "docker_volume.replica2_data");
  CHECK(volume.action == Action::kForget);
  CHECK_FALSE(volume.destroys_data);
  CHECK(change_of(kept, "docker_container.replica2").action == Action::kDelete);
  CHECK(has(render_plan_text(kept, {}),
            "# docker_volume.replica2_data will no longer be managed (it is kept as it is)\n"
            "  #   because volumes hold data and are kept; --purge-volumes (or prevent_destroy: false) "
            "removes them"));
  CHECK(change_of(kept, "pg_replica.replica2").reasons == std::vector<std::string>{"it stays in its volume"});

  Plan purged = f.plan(true);
  CHECK(change_of(purged, "docker_volume.replica2_data").action == Action::kDelete);
  CHECK(change_of(purged, "docker_volume.replica2_data").destroys_data);
  CHECK_FALSE(change_of(purged, "docker_volume.data").is_change());
  const std::string text = render_plan_text(purged, {});
  CHECK(has(text,
            "# docker_volume.replica2_data will be destroyed, and the data in it\n"
            "  #   because it is no longer in the spec, and --purge-volumes was given"));
  CHECK(has(text, "Plan: 0 to add, 0 to change, 2 to destroy. 1 to stop managing (kept)."));
  // What lived in the volume no longer claims to stay there.
  CHECK(change_of(purged, "pg_replica.replica2").reasons ==
        std::vector<std::string>{
            "it lives in the node's data directory, which goes with docker_volume.replica2_data"});

  NullRecorder recorder;
  REQUIRE(apply_plan(purged, f.providers, recorder, {4, {}, {}}).ok());
  const auto calls = f.world.calls;
  CHECK(position(calls, "delete docker_container.replica2") <
        position(calls, "delete docker_volume.replica2_data"));
  CHECK(f.world.objects.count("docker_volume.data"));
  CHECK_FALSE(f.world.objects.count("docker_volume.replica2_data"));
}

TEST_CASE("prevent_destroy: false recorded with a volume lets it go once it leaves the spec",
          "[engine][plan][volumes]") {
  ScaleIn f;
  f.record_attribute("docker_volume.replica2_data", "prevent_destroy", "false");
  Plan plan = f.plan(false);
  const PlannedChange& volume = change_of(plan, "docker_volume.replica2_data");
  CHECK(volume.action == Action::kDelete);
  CHECK(volume.destroys_data);
  CHECK(volume.reasons ==
        std::vector<std::string>{"it is no longer in the spec, and its prevent_destroy is false"});
  // The recorded value is the one the plan shows as before.
  CHECK(volume.before->attributes.at("prevent_destroy") == "false");
}

TEST_CASE("the state's prevent_destroy stands in for the read: a change is planned once, then converges",
          "[engine][plan][volumes]") {
  ScaleIn f;
  f.request.desired[0].attributes["prevent_destroy"] = "false";
  Plan first = f.plan(false);
  const PlannedChange& update = change_of(first, "docker_volume.data");
  CHECK(update.action == Action::kUpdate);
  REQUIRE(update.changes.size() == 1);
  CHECK(update.changes[0].name == "prevent_destroy");
  CHECK(update.changes[0].before == "true");
  CHECK(update.changes[0].after == "false");

  f.record_attribute("docker_volume.data", "prevent_destroy", "false");
  CHECK_FALSE(change_of(f.plan(false), "docker_volume.data").is_change());
}

TEST_CASE("apply keeps the master's volume and one a kept container mounts, even with --purge-volumes",
          "[engine][plan][volumes]") {
  ScaleIn f;
  // The master moves to a new volume; its old one leaves the spec.
  f.spec.master.volume = "data2";
  f.spec.volumes.erase("data");
  f.spec.volumes["data2"] = {"data2", true, {}};
  f.request.desired = {{a("docker_volume.data2"), {{"name", "t-data2"}, {"prevent_destroy", "true"}}, {}},
                       {a("docker_container.master"),
                        {{"volume", "t-data2"}, {"role", "master"}},
                        {a("docker_volume.data2")}}};
  f.record_attribute("docker_volume.data", "prevent_destroy", "false");

  SECTION("mounted by the master now") {
    const Plan plan = f.plan(true);
    const PlannedChange& volume = change_of(plan, "docker_volume.data");
    CHECK(volume.action == Action::kForget);
    CHECK_FALSE(volume.destroys_data);
    CHECK(volume.reasons ==
          std::vector<std::string>{
              "it holds the master's data (docker_container.master): apply never removes it"});
  }
  SECTION("the master container is gone, and the state says it used the volume") {
    f.world.objects.erase("docker_container.master");
    CHECK(change_of(f.plan(true), "docker_volume.data").action == Action::kForget);
  }
  SECTION("a replica the spec keeps still mounts it") {
    f.world.put("docker_container.master", {{"volume", "t-data2"}, {"role", "master"}});
    f.state["docker_container.master"] = {{"volume", "t-data2"}, {"role", "master"}};
    f.world.put("docker_container.replica1", {{"volume", "t-data"}, {"role", "replica"}});
    f.request.desired.push_back(
        {a("docker_container.replica1"), {{"volume", "t-other"}, {"role", "replica"}}, {}});
    const Plan plan = f.plan(true);
    const PlannedChange& volume = change_of(plan, "docker_volume.data");
    CHECK(volume.action == Action::kForget);
    CHECK(volume.reasons == std::vector<std::string>{"docker_container.replica1 still uses it"});
  }
}

TEST_CASE("destroy: the spec's prevent_destroy counts while it names the volume; --purge-volumes takes all",
          "[engine][plan][volumes]") {
  ScaleIn f;
  f.request.desired.clear();
  f.request.destroy = true;
  f.spec.volumes["data"].prevent_destroy = false;
  f.record_attribute("docker_volume.replica2_data", "prevent_destroy", "false");
  f.spec.volumes["replica2_data"] = {"replica2_data", true, {}};  // the spec says keep, the state says not

  Plan plan = f.plan(false);
  CHECK(change_of(plan, "docker_volume.data").action == Action::kDelete);
  CHECK(change_of(plan, "docker_volume.data").reasons ==
        std::vector<std::string>{"its prevent_destroy is false"});
  CHECK(change_of(plan, "docker_volume.replica2_data").action == Action::kForget);

  Plan purge = f.plan(true);
  CHECK(change_of(purge, "docker_volume.data").action == Action::kDelete);
  CHECK(change_of(purge, "docker_volume.replica2_data").action == Action::kDelete);
  CHECK(change_of(purge, "docker_volume.replica2_data").reasons ==
        std::vector<std::string>{"pgdecl destroy --purge-volumes removes it"});
}

TEST_CASE("a saved plan carries --purge-volumes; one saved without it reads as without",
          "[engine][plan][volumes]") {
  ScaleIn f;
  Plan purged = f.plan(true);
  auto parsed = parse_plan_file(serialize_plan_file({purged, "/x/spec.yaml", "abc"}), "p.json");
  REQUIRE(parsed);
  CHECK(parsed->plan.purge_volumes);
  CHECK(change_of(parsed->plan, "docker_volume.replica2_data").action == Action::kDelete);
  CHECK(change_of(parsed->plan, "docker_volume.replica2_data").destroys_data);

  std::string older = serialize_plan_file({f.plan(false), "/x/spec.yaml", "abc"});
  const std::string field = "\"purge_volumes\": false,";
  REQUIRE(older.find(field) != std::string::npos);
  older.erase(older.find(field), field.size());
  auto old_parsed = parse_plan_file(older, "p.json");
  REQUIRE(old_parsed);
  CHECK_FALSE(old_parsed->plan.purge_volumes);
}
