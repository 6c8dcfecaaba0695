// A master that moves to an empty volume serves a new cluster: the plan
// shows everything that has to be put into it again (roles, databases,
// slots, its files) and every replica copied again from it, so that one
// apply does all of it and a second finds nothing left.

#include <catch2/catch.hpp>

#include "engine/plan/planner.h"
#include "tests/support/fake_provider.h"

using namespace pgdecl;
using namespace pgdecl::engine;
using pgdecl::testing::FakeProvider;
using pgdecl::testing::FakeWorld;
using OnNewData = ResourceProvider::OnNewData;

namespace {

Address a(const char* text) { return *Address::parse(text); }

struct Fixture {
  FakeWorld world;
  ProviderRegistry providers;
  std::vector<DesiredResource> desired{
      {a("docker_container.master"), {{"volume", "data"}, {"image", "postgres:15"}}, {}},
      {a("pg_hba.master"), {{"rules", "host all all samenet scram-sha-256"}}, {a("docker_container.master")}},
      {a("pg_settings.master"), {{"work_mem", "8MB"}}, {a("docker_container.master")}},
      {a("pg_role.app"), {{"login", "true"}}, {a("docker_container.master"), a("pg_settings.master")}},
      {a("pg_slot.replica1"), {{"slot_name", "pgdecl_replica1"}}, {a("docker_container.master")}},
      {a("pg_replica.replica1"),
       {{"data", "a standby"}},
       {a("docker_container.master"), a("pg_slot.replica1")}},
      {a("pg_hba.replica1"), {{"rules", "host all all samenet scram-sha-256"}}, {a("pg_replica.replica1")}},
  };

  Fixture() {
    auto container = std::make_unique<FakeProvider>(
        "docker_container", world,
        AttributeSchema{{"volume", {ChangeKind::kReplace, "the data volume changes"}},
                        {"image", {ChangeKind::kReplace, "the image changes"}}},
        true);
    container->set_remakes_data_when_changed("volume");
    providers.add(std::move(container));
    add("pg_hba", OnNewData::kApplyAgain);
    add("pg_settings", OnNewData::kApplyAgain);
    add("pg_role", OnNewData::kMakeAgain);
    add("pg_slot", OnNewData::kMakeAgain);
    auto& replica = add("pg_replica", OnNewData::kCopyAgain);
    replica.set_holds_user_data(true);
    for (const auto& resource : desired) world.put(resource.address.to_string(), resource.attributes);
  }

  FakeProvider& add(const char* type, OnNewData on_new_data) {
    auto provider = std::make_unique<FakeProvider>(type, world);
    provider->set_on_new_data(on_new_data);
    FakeProvider& added = *provider;
    providers.add(std::move(provider));
    return added;
  }

  Plan plan_with(std::vector<DesiredResource> wanted, std::vector<Address> replace = {}) {
    PlanRequest request;
    request.cluster = "t";
    request.desired = std::move(wanted);
    request.replace = std::move(replace);
    auto plan = make_plan(request, providers);
    REQUIRE(plan);
    return *plan;
  }

  static const PlannedChange& change_of(const Plan& plan, const char* address) {
    for (const auto& change : plan.changes) {
      if (change.address == a(address)) return change;
    }
    FAIL("no change for " << address);
    return plan.changes.front();
  }
};

}  // namespace

TEST_CASE("a master moved to new data shows everything that goes into it again", "[unit]") {
  Fixture f;
  auto moved = f.desired;
  moved[0].attributes["volume"] = "data2";
  const Plan plan = f.plan_with(moved);

  const auto& master = Fixture::change_of(plan, "docker_container.master");
  CHECK(master.action == Action::kReplace);
  CHECK(master.remakes_data);

  const std::string because = "docker_container.master makes the data it lives in anew, so it is ";
  const auto& role = Fixture::change_of(plan, "pg_role.app");
  CHECK(role.action == Action::kCreate);
  CHECK_FALSE(role.before.has_value());
  CHECK(role.reasons == std::vector<std::string>{because + "made there again"});
  CHECK(Fixture::change_of(plan, "pg_slot.replica1").action == Action::kCreate);
  CHECK(Fixture::change_of(plan, "pg_hba.master").action == Action::kUpdate);
  CHECK(Fixture::change_of(plan, "pg_hba.master").reasons ==
        std::vector<std::string>{because + "written again"});
  CHECK(Fixture::change_of(plan, "pg_settings.master").action == Action::kUpdate);

  const auto& copy = Fixture::change_of(plan, "pg_replica.replica1");
  CHECK(copy.action == Action::kReplace);
  CHECK(copy.destroys_data);
  CHECK(copy.reasons ==
        std::vector<std::string>{
            "docker_container.master makes the data it is a copy of anew, so it is copied again "
            "and what its volume holds goes"});
  // The replica's own files follow its new copy.
  CHECK(Fixture::change_of(plan, "pg_hba.replica1").action == Action::kUpdate);
}

TEST_CASE("a master replaced on the same data (a new image) leaves what lives in it alone", "[unit]") {
  Fixture f;
  auto newer = f.desired;
  newer[0].attributes["image"] = "postgres:15.1";
  const Plan plan = f.plan_with(newer);
  CHECK(Fixture::change_of(plan, "docker_container.master").action == Action::kReplace);
  CHECK_FALSE(Fixture::change_of(plan, "docker_container.master").remakes_data);
  for (const char* kept : {"pg_role.app", "pg_slot.replica1", "pg_hba.master", "pg_settings.master",
                           "pg_replica.replica1", "pg_hba.replica1"}) {
    INFO(kept);
    CHECK(Fixture::change_of(plan, kept).action == Action::kNoOp);
  }
}

TEST_CASE("what the spec wants gone stays a drop on a master moved to new data", "[unit]") {
  Fixture f;
  f.world.put("pg_role.old", {{"login", "true"}});
  auto moved = f.desired;
  moved[0].attributes["volume"] = "data2";
  PlanRequest request;
  request.cluster = "t";
  request.desired = moved;
  request.prior = {{a("pg_role.old"), {a("docker_container.master")}, true, {}}};
  auto plan = make_plan(request, f.providers);
  REQUIRE(plan);
  CHECK(Fixture::change_of(*plan, "pg_role.old").action == Action::kDelete);
}

TEST_CASE("--replace of what the spec wants gone drops it and makes nothing", "[unit]") {
  Fixture f;
  f.world.put("pg_role.old", {{"login", "true"}});
  PlanRequest request;
  request.cluster = "t";
  request.desired = f.desired;
  request.prior = {{a("pg_role.old"), {a("docker_container.master")}, true, {}}};
  request.replace = {a("pg_role.old")};
  auto plan = make_plan(request, f.providers);
  REQUIRE(plan);
  const auto& old = Fixture::change_of(*plan, "pg_role.old");
  CHECK(old.action == Action::kDelete);
  CHECK(old.reasons.back() == "--replace makes nothing here: the spec does not ask for it to exist");
}
