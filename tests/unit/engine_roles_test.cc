#include <catch2/catch.hpp>

#include "cluster/desired/desired.h"
#include "cluster/desired/role_attributes.h"
#include "cluster/spec/loader.h"
#include "engine/plan/planner.h"
#include "engine/plan/render.h"
#include "tests/support/desired_support.h"
#include "tests/support/fake_provider.h"

using namespace pgdecl;
using namespace pgdecl::engine;

using pgdecl::testing::depends;

namespace {

const char* kSpec = R"(version: 1
name: roles
network: { name: net }
images: { postgres: { tag: "postgres:15" } }
volumes: { data: {} }
master:
  image: postgres
  volume: data
roles:
  - name: readers
  - name: writers
  - name: app
    login: true
    connection_limit: 5
    member_of: [writers, readers, pg_monitor]
    password: { generate: true }
  - name: gone
    ensure: absent
databases:
  - name: appdb
    owner: app
  - name: scratch
)";

std::map<Address, DesiredResource> desired_by_address() { return testing::desired_by_address(kSpec); }

}  // namespace

TEST_CASE("a declared role holds every attribute: what the spec leaves out is CREATE ROLE's default",
          "[unit]") {
  auto desired = desired_by_address();
  const Attributes& app = desired.at(*Address::parse("pg_role.app")).attributes;
  CHECK(app.at("login") == "true");
  CHECK(app.at("superuser") == "false");
  CHECK(app.at("createdb") == "false");
  CHECK(app.at("inherit") == "true");
  CHECK(app.at("connection_limit") == "5");
  CHECK(app.at("valid_until") == "infinity");
  CHECK(app.at("member_of") == R"(["pg_monitor","readers","writers"])");
  CHECK(app.at("password") == kPasswordAsSpec);

  const Attributes& readers = desired.at(*Address::parse("pg_role.readers")).attributes;
  CHECK(readers.at("login") == "false");
  CHECK(readers.at("connection_limit") == "-1");
  CHECK(readers.at("member_of") == "[]");
  CHECK(readers.count("password") == 0);  // no password in the spec: left alone

  const Attributes& gone = desired.at(*Address::parse("pg_role.gone")).attributes;
  CHECK(gone == Attributes{{"ensure", "absent"}});
}

TEST_CASE("roles and databases wait for the master's settings, their groups and their owner", "[unit]") {
  auto desired = desired_by_address();
  const DesiredResource& app = desired.at(*Address::parse("pg_role.app"));
  CHECK(depends(app, "docker_container.master"));
  CHECK(depends(app, "pg_settings.master"));
  CHECK(depends(app, "pg_role.readers"));
  CHECK(depends(app, "pg_role.writers"));
  CHECK_FALSE(depends(app, "pg_role.pg_monitor"));  // built in, not managed
  CHECK(depends(desired.at(*Address::parse("pg_database.appdb")), "pg_role.app"));
  // A dropped role may own a database the spec no longer says it owns: it
  // goes after every database.
  CHECK(depends(desired.at(*Address::parse("pg_database.appdb")), "pg_role.gone"));
  CHECK(depends(desired.at(*Address::parse("pg_database.scratch")), "pg_role.gone"));
  CHECK_FALSE(depends(desired.at(*Address::parse("pg_database.scratch")), "pg_role.readers"));
  const Attributes& scratch = desired.at(*Address::parse("pg_database.scratch")).attributes;
  CHECK(scratch.at("owner") == kAnyValue);
  CHECK(scratch.at("encoding") == kAnyValue);
}

TEST_CASE("names in a membership list stay apart whatever they contain", "[unit]") {
  CHECK(render_name_list({"b", "a,b", "we\"ird"}) == R"(["a,b","b","we\"ird"])");
  CHECK(render_name_list({"x", "x"}) == R"(["x"])");
  CHECK(render_name_list({}) == "[]");
}

TEST_CASE("deleting or replacing what holds user data is marked as losing it", "[unit]") {
  pgdecl::testing::FakeWorld world;
  ProviderRegistry providers;
  auto databases = std::make_unique<pgdecl::testing::FakeProvider>("pg_database", world);
  databases->set_holds_user_data(true);
  providers.add(std::move(databases));
  providers.add(std::make_unique<pgdecl::testing::FakeProvider>("pg_role", world));
  world.put("pg_database.old", {{"owner", "app"}});
  world.put("pg_database.kept", {{"owner", "app"}});
  world.put("pg_role.old", {{"login", "true"}});

  PlanRequest request;
  request.desired = {{*Address::parse("pg_database.kept"), {{"owner", "app"}}, {}}};
  request.prior = {{*Address::parse("pg_database.old"), {}, true},
                   {*Address::parse("pg_role.old"), {}, true}};
  request.replace = {*Address::parse("pg_database.kept")};
  auto plan = make_plan(request, providers);
  REQUIRE(plan);
  std::map<std::string, const PlannedChange*> by_address;
  for (const auto& change : plan->changes) by_address[change.address.to_string()] = &change;
  CHECK(by_address.at("pg_database.old")->destroys_data);
  CHECK(by_address.at("pg_database.kept")->action == Action::kReplace);
  CHECK(by_address.at("pg_database.kept")->destroys_data);
  CHECK_FALSE(by_address.at("pg_role.old")->destroys_data);
  const std::string text = render_plan_text(*plan, {});
  CHECK(text.find("# pg_database.kept must be replaced, and the data in it is lost") != std::string::npos);
  CHECK(text.find("# pg_database.old will be destroyed, and the data in it") != std::string::npos);
}
