// The role provider over a recording fake server: what it reads as drift,
// and the statements that repair it.
#include <catch2/catch.hpp>

#include "providers/postgres/catalog/catalog_providers.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using pgdecl::engine::Action;
using pgdecl::pg::testing::FakeNodeWorld;
using pgdecl::pg::testing::FakeServer;

namespace {

const char* kSpec = R"(version: 1
name: roles
network: { name: net }
images: { postgres: { tag: "postgres:15" } }
volumes: { data: {} }
master: { image: postgres, volume: data }
roles:
  - name: app
    login: true
    connection_limit: 20
    member_of: [readers]
  - name: readers
)";

// pg_authid's answer for a role, in the columns the provider asks for:
// login, superuser, createdb, createrole, replication, bypassrls, inherit,
// connection limit, expiry, same expiry, stored password, member of.
pg::Row role_row(const char* createdb, const char* member_of) {
  return {"t", "f", createdb, "f", "f", "f", "t", "20", "infinity", "t", std::nullopt, member_of};
}

// The server's pg_authid for `app`: as given, until an ALTER ROLE or GRANT
// sets it to the spec's.
void serve_app(FakeServer& master, pg::Row before) {
  master.rule("WHERE a.rolname", [&master, before](const std::string&, const pg::Params& params) {
    if (params.at(0) != "app") return Result<pg::QueryResult>(pg::QueryResult{});
    const bool repaired =
        !master.statements_with("ALTER ROLE").empty() || !master.statements_with("GRANT").empty();
    return Result<pg::QueryResult>(
        pg::QueryResult{{}, {repaired ? role_row("f", R"(["readers"])") : before}});
  });
}

}  // namespace

TEST_CASE("a role changed behind pgdecl's back is read as drift and put back with one ALTER ROLE and a GRANT",
          "[unit][pg-fake]") {
  FakeNodeWorld world(kSpec);
  FakeServer& master = world.add("master");
  world.start();
  serve_app(master, role_row("t", "[]"));
  auto roles = pg::make_role_provider(world.context());
  const Address app{resource_type::kRole, "app"};

  const auto change = world.read_and_plan(*roles, app);
  CHECK(change.action == Action::kUpdate);
  std::vector<std::string> changed;
  for (const auto& attribute : change.changes) changed.push_back(attribute.name);
  CHECK(changed == std::vector<std::string>{"createdb", "member_of"});
  CHECK(master.statements_with("ALTER ROLE").empty());  // a read changes nothing

  auto outcome = roles->apply(change);
  INFO(outcome.status.message());
  CHECK(outcome.status);
  CHECK(master.statements_with("ALTER ROLE") ==
        std::vector<std::string>{
            "ALTER ROLE \"app\" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            "NOBYPASSRLS INHERIT CONNECTION LIMIT 20 VALID UNTIL 'infinity'"});
  CHECK(master.statements_with("GRANT") == std::vector<std::string>{"GRANT \"readers\" TO \"app\""});
  CHECK(master.statements_with("CREATE ROLE").empty());
  // What the state records is what the server holds after the repair.
  REQUIRE(outcome.live);
  CHECK(outcome.live->attributes.at("createdb") == "false");
  CHECK(roles->plan(app, &world.want(app), &*outcome.live).action == Action::kNoOp);
  // One session to the master served the read and the repair.
  CHECK(master.sessions_opened == 1);
}

TEST_CASE("a role the server does not have is created whole", "[unit][pg-fake]") {
  FakeNodeWorld world(kSpec);
  FakeServer& master = world.add("master");
  world.start();
  auto roles = pg::make_role_provider(world.context());
  const Address readers{resource_type::kRole, "readers"};
  auto live = roles->read(readers);
  REQUIRE(live);
  CHECK_FALSE(live->has_value());
  const auto change = roles->plan(readers, &world.want(readers), nullptr);
  CHECK(change.action == Action::kCreate);
  CHECK(roles->apply(change).status);
  CHECK(master.statements_with("ROLE \"readers\"") ==
        std::vector<std::string>{
            "CREATE ROLE \"readers\" WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            "NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT -1 VALID UNTIL 'infinity'"});
}
