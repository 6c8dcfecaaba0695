// What a resource depended on when it was made still orders its removal
// while it stays in the spec: a database the spec wants dropped, whose
// owner the spec no longer names, goes before the role that owned it.

#include <algorithm>
#include <catch2/catch.hpp>

#include "engine/plan/planner.h"
#include "tests/support/fake_provider.h"

using namespace pgdecl;
using namespace pgdecl::engine;
using pgdecl::testing::FakeProvider;
using pgdecl::testing::FakeWorld;

namespace {

Address a(const char* text) { return *Address::parse(text); }

bool has_edge(const Plan& plan, const char* dependent, const char* dependency) {
  auto found = plan.dependencies.find(dependent);
  if (found == plan.dependencies.end()) return false;
  return std::count(found->second.begin(), found->second.end(), dependency) == 1;
}

struct Fixture {
  FakeWorld world;
  ProviderRegistry providers;
  Fixture() {
    providers.add(std::make_unique<FakeProvider>("pg_role", world));
    providers.add(std::make_unique<FakeProvider>("pg_database", world));
  }
};

}  // namespace

TEST_CASE("an edge the state recorded is kept for a resource still in the spec", "[engine][plan]") {
  Fixture f;
  PlanRequest request;
  request.cluster = "t";
  request.desired = {{a("pg_role.app"), {{"ensure", "absent"}}, {}},
                     {a("pg_database.appdb"), {{"ensure", "absent"}}, {}}};
  request.prior = {{a("pg_database.appdb"), {a("pg_role.app")}, true, {}}, {a("pg_role.app"), {}, true, {}}};
  auto plan = make_plan(request, f.providers);
  REQUIRE(plan);
  CHECK(has_edge(*plan, "pg_database.appdb", "pg_role.app"));
}

TEST_CASE("a recorded edge the spec now turns round gives way, and no edge is doubled", "[engine][plan]") {
  Fixture f;
  PlanRequest request;
  request.cluster = "t";
  // The spec: app depends on appdb. The state: appdb depended on app.
  request.desired = {{a("pg_database.appdb"), {}, {}},
                     {a("pg_role.app"), {}, {a("pg_database.appdb")}},
                     {a("pg_role.ops"), {}, {a("pg_role.app")}}};
  request.prior = {{a("pg_database.appdb"), {a("pg_role.app")}, true, {}},
                   {a("pg_role.ops"), {a("pg_role.app")}, true, {}}};
  auto plan = make_plan(request, f.providers);
  REQUIRE(plan);  // no cycle
  CHECK_FALSE(has_edge(*plan, "pg_database.appdb", "pg_role.app"));
  CHECK(has_edge(*plan, "pg_role.app", "pg_database.appdb"));
  CHECK(has_edge(*plan, "pg_role.ops", "pg_role.app"));
}
