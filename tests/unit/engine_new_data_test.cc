// What lives in data made anew is applied again: a replica copied again
// starts with pgdecl's own pg_hba rules, so its pg_hba is written again
// even when the plan found it matching.

#include <catch2/catch.hpp>

#include "engine/plan/planner.h"
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
  FakeProvider* copies = nullptr;
  std::vector<DesiredResource> desired{
      {a("docker_container.replica1"), {{"image", "postgres:15"}}, {}},
      {a("pg_replica.replica1"), {{"data", "a standby"}}, {a("docker_container.replica1")}},
      {a("pg_hba.replica1"),
       {{"rules", "host all all samenet scram-sha-256"}},
       {a("docker_container.replica1"), a("pg_replica.replica1")}},
      {a("pg_settings.replica1"), {{"work_mem", "8MB"}}, {a("pg_replica.replica1")}},
  };

  Fixture() {
    providers.add(std::make_unique<FakeProvider>(
        "docker_container", world, AttributeSchema{{"image", {ChangeKind::kReplace, "the image changes"}}},
        true));
    auto replica = std::make_unique<FakeProvider>("pg_replica", world);
    replica->set_holds_user_data(true);
    copies = replica.get();
    providers.add(std::move(replica));
    auto hba = std::make_unique<FakeProvider>("pg_hba", world);
    hba->set_on_new_data(engine::ResourceProvider::OnNewData::kApplyAgain);
    providers.add(std::move(hba));
    providers.add(std::make_unique<FakeProvider>("pg_settings", world));
    for (const auto& resource : desired) world.put(resource.address.to_string(), resource.attributes);
  }

  PlannedChange change_of(const Plan& plan, const char* address) {
    for (const auto& change : plan.changes) {
      if (change.address == a(address)) return change;
    }
    FAIL("no change for " << address);
    return {};
  }
};

}  // namespace

TEST_CASE("a matching pg_hba is written again into a replica's data made anew", "[unit]") {
  Fixture f;
  PlanRequest request;
  request.cluster = "t";
  request.desired = f.desired;
  auto unchanged = make_plan(request, f.providers);
  REQUIRE(unchanged);
  CHECK_FALSE(unchanged->has_changes());

  SECTION("its data replaced with --replace") {
    request.replace = {a("pg_replica.replica1")};
    auto plan = make_plan(request, f.providers);
    REQUIRE(plan);
    auto hba = f.change_of(*plan, "pg_hba.replica1");
    CHECK(hba.action == Action::kUpdate);
    CHECK(hba.reasons == std::vector<std::string>{
                             "pg_replica.replica1 makes the data it lives in anew, so it is written again"});
    // Settings are written whole with the copy: not applied again.
    CHECK(f.change_of(*plan, "pg_settings.replica1").action == Action::kNoOp);
  }

  SECTION("its data copied again by an update") {
    f.copies->set_updates_remake_data(true);
    f.world.put("pg_replica.replica1", {{"data", "an unfinished copy"}});
    auto plan = make_plan(request, f.providers);
    REQUIRE(plan);
    CHECK(f.change_of(*plan, "pg_replica.replica1").action == Action::kUpdate);
    CHECK(f.change_of(*plan, "pg_hba.replica1").action == Action::kUpdate);
  }

  SECTION("an update that keeps the data, or a container replaced on the same volume, does not") {
    f.world.put("pg_replica.replica1", {{"data", "a standby with an old password file"}});
    f.world.put("docker_container.replica1", {{"image", "postgres:14"}});
    auto plan = make_plan(request, f.providers);
    REQUIRE(plan);
    CHECK(f.change_of(*plan, "pg_replica.replica1").action == Action::kUpdate);
    CHECK(f.change_of(*plan, "docker_container.replica1").action == Action::kReplace);
    CHECK(f.change_of(*plan, "pg_hba.replica1").action == Action::kNoOp);
  }
}
