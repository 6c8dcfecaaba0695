#include <catch2/catch.hpp>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::CliResult;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::run_pgdecl;
using pgdecl::testing::scalar;
using pgdecl::testing::slurp;
using pgdecl::testing::spec_text;

namespace {

std::string database_row(pg::Connection& c, const std::string& name) {
  auto rows = c.query(
      "select concat_ws(',', pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype) "
      "from pg_database where datname = $1",
      {name});
  REQUIRE(rows);
  if (rows->rows.empty()) return "(none)";
  return rows->rows[0][0].value_or("");
}

std::string spec_with(const std::string& cluster, const std::string& databases) {
  return spec_text(cluster) +
         "roles:\n  - name: app\n  - name: other\n"
         "databases:\n" +
         databases;
}

}  // namespace

TEST_CASE("databases: owner, encoding and locale are created, kept and repaired", "[e2e][docker][postgres]") {
  ClusterFixture cluster("dbs");
  cluster.write_spec(spec_with(cluster.name(),
                               "  - name: latin\n    owner: app\n    encoding: LATIN1\n    locale: C\n"
                               "  - name: utf\n    owner: other\n    encoding: utf-8\n    locale: C.UTF-8\n"
                               "  - name: plain\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto c = cluster.connect();
  CHECK(database_row(*c, "latin") == "app,LATIN1,C,C");
  CHECK(database_row(*c, "utf") == "other,UTF8,C.UTF-8,C.UTF-8");
  CHECK(database_row(*c, "plain") == "postgres,UTF8,C.UTF-8,C.UTF-8");
  // "utf-8" is the server's UTF8: no change.
  REQUIRE(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  SECTION("an encoding the server does not know stops the plan, located, before anything changes") {
    std::string spec = slurp(cluster.dir() / "spec.yaml");
    cluster.write_spec(spec + "  - name: unknown_encoding\n    owner: app\n    encoding: NOPE\n");
    auto refused = cluster.run("apply -f spec.yaml --auto-approve");
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "spec.yaml:"));
    CHECK(contains(refused.err,
                   ": error: database 'unknown_encoding': encoding 'NOPE' is not one PostgreSQL knows"));
    CHECK(database_row(*c, "unknown_encoding") == "(none)");
  }

  SECTION("an owner changed out of band is put back") {
    REQUIRE(c->execute("alter database latin owner to other"));
    auto drift = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(drift.exit_code == 2);
    CHECK(contains(drift.out,
                   "# pg_database.latin will be updated in place\n  #   because owner is other on the "
                   "server, the spec says app"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    CHECK(database_row(*c, "latin") == "app,LATIN1,C,C");
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  }

  SECTION("the spec's owner is applied; a locale spelt another way is the same; a new locale is refused") {
    std::string spec = slurp(cluster.dir() / "spec.yaml");
    spec.replace(spec.find("locale: C.UTF-8"), 15, "locale: c.utf8");
    spec.replace(spec.find("owner: other"), 12, "owner: app");
    cluster.write_spec(spec);
    auto owner = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(owner.exit_code == 2);
    CHECK(contains(owner.out,
                   "# pg_database.utf will be updated in place\n  #   because owner is other on the "
                   "server, the spec says app"));
    CHECK_FALSE(contains(owner.out, "locale"));
    CHECK(contains(owner.out, "Plan: 0 to add, 1 to change, 0 to destroy."));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    CHECK(database_row(*c, "utf") == "app,UTF8,C.UTF-8,C.UTF-8");
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

    spec.replace(spec.find("locale: c.utf8"), 14, "locale: C");
    cluster.write_spec(spec);
    auto refused = cluster.run("apply -f spec.yaml --auto-approve");
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.out,
                   "locale is C.UTF-8 on the server, the spec says C; it is fixed when a database "
                   "is created, so apply refuses"));
    CHECK(database_row(*c, "utf") == "app,UTF8,C.UTF-8,C.UTF-8");
  }

  SECTION("an encoding change is refused in place; only --replace re-creates the database") {
    {
      auto latin = pg::Connection::open({"127.0.0.1", cluster.published_port(), "postgres", "latin"},
                                        Secret(cluster.superuser_password()));
      REQUIRE(latin);
      REQUIRE((*latin)->execute("create table kept as select 'a row' as v"));
    }
    std::string spec = slurp(cluster.dir() / "spec.yaml");
    spec.replace(spec.find("encoding: LATIN1"), 16, "encoding: SQL_ASCII");
    cluster.write_spec(spec);
    auto refused_plan = cluster.run("plan -f spec.yaml");
    CHECK(contains(refused_plan.out,
                   "encoding is LATIN1 on the server, the spec says SQL_ASCII; it is fixed when a "
                   "database is created, so apply refuses"));
    auto refused = cluster.run("apply -f spec.yaml --auto-approve");
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.out + refused.err, "cannot change in place"));
    CHECK(database_row(*c, "latin") == "app,LATIN1,C,C");

    auto replace_plan = cluster.run("plan -f spec.yaml --replace pg_database.latin");
    CHECK(contains(replace_plan.out, "# pg_database.latin must be replaced, and the data in it is lost"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve --replace pg_database.latin").exit_code == 0);
    CHECK(database_row(*c, "latin") == "app,SQL_ASCII,C,C");
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  }

  SECTION("ensure: absent drops a database and says so; one left out of the spec is kept") {
    std::string spec = slurp(cluster.dir() / "spec.yaml");
    spec.replace(spec.find("  - name: plain\n"), 16, "  - name: plain\n    ensure: absent\n");
    spec.replace(spec.find("  - name: utf\n"), spec.find("  - name: plain\n") - spec.find("  - name: utf\n"),
                 "");
    cluster.write_spec(spec);
    auto changed = cluster.run("plan -f spec.yaml");
    CHECK(contains(changed.out,
                   "# pg_database.plain will be destroyed, and the data in it\n  #   because ensure: "
                   "absent drops the database"));
    CHECK(contains(changed.out, "# pg_database.utf will no longer be managed"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    CHECK(database_row(*c, "plain") == "(none)");
    CHECK(database_row(*c, "utf") == "other,UTF8,C.UTF-8,C.UTF-8");
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  }
}

TEST_CASE("hostile role and database names are created verbatim and nothing else happens",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("hostile");
  const std::string role = "we\"ird; drop role app; --";
  const std::string database = "it's \"db\"; drop database app;";
  cluster.write_spec(spec_text(cluster.name()) +
                     "roles:\n"
                     "  - name: app\n    login: true\n"
                     "  - name: 'we\"ird; drop role app; --'\n    login: true\n    member_of: [app]\n"
                     "    valid_until: \"2030-01-01'; drop role app; --\"\n");
  // Text meant to end a statement is refused where it stands in the spec,
  // before anything is made.
  auto bad = cluster.run("apply -f spec.yaml --auto-approve");
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.err, "spec.yaml:29:18: error: invalid valid_until"));
  CHECK(cluster.docker().list_containers({{"pgdecl.cluster", cluster.name()}})->empty());

  cluster.write_spec(spec_text(cluster.name()) +
                     "roles:\n"
                     "  - name: app\n    login: true\n"
                     "  - name: 'we\"ird; drop role app; --'\n    login: true\n    member_of: [app]\n"
                     "databases:\n"
                     "  - name: 'it''s \"db\"; drop database app;'\n    owner: 'we\"ird; drop role app; --'\n"
                     "  - name: app\n");
  auto applied = cluster.run("apply -f spec.yaml --auto-approve");
  REQUIRE(applied.exit_code == 0);
  auto c = cluster.connect();
  auto roles = c->query("select rolname from pg_roles where rolname !~ '^pg_' order by 1");
  REQUIRE(roles);
  REQUIRE(roles->rows.size() == 3);
  CHECK(roles->rows[0][0] == "app");
  CHECK(roles->rows[1][0] == "postgres");
  CHECK(roles->rows[2][0] == role);
  CHECK(database_row(*c, database) == role + ",UTF8,C.UTF-8,C.UTF-8");
  CHECK(database_row(*c, "app") == "postgres,UTF8,C.UTF-8,C.UTF-8");
  CHECK(scalar(*c, "select count(*) from pg_database") == "5");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
