#include <catch2/catch.hpp>
#include <fstream>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::CliResult;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::run_command;
using pgdecl::testing::run_pgdecl;
using pgdecl::testing::scalar;
using pgdecl::testing::slurp;
using pgdecl::testing::spec_text;

namespace {

CliResult apply(ClusterFixture& cluster, const std::string& extra = "") {
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve " + extra);
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  return applied;
}

CliResult plan(ClusterFixture& cluster) {
  return run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
}

void require_no_changes(ClusterFixture& cluster) {
  auto calm = plan(cluster);
  INFO(calm.out << calm.err);
  REQUIRE(calm.exit_code == 0);
}

Result<std::unique_ptr<pg::Connection>> login(ClusterFixture& cluster, const std::string& user,
                                              const std::string& password,
                                              const std::string& db = "postgres") {
  return pg::Connection::open({"127.0.0.1", cluster.published_port(), user, db}, Secret(password));
}

// One row of pg_authid for `role`, as "flag,flag,...,limit,until,groups".
std::string role_row(pg::Connection& c, const std::string& role) {
  auto rows = c.query(
      "select concat_ws(',', rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, "
      "rolbypassrls, "
      "rolinherit, rolconnlimit, coalesce(to_char(rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD'), 'never'), "
      "(select coalesce(string_agg(g.rolname, '+' order by g.rolname), '-') from pg_auth_members m "
      "join pg_roles g on g.oid = m.roleid where m.member = a.oid)) from pg_authid a where rolname = $1",
      {role});
  REQUIRE(rows);
  REQUIRE(rows->rows.size() == 1);
  return rows->rows[0][0].value_or("");
}

const char* kRoles =
    "roles:\n"
    "  - name: readers\n"
    "  - name: app\n"
    "    login: true\n"
    "    createdb: true\n"
    "    createrole: true\n"
    "    bypassrls: true\n"
    "    inherit: false\n"
    "    connection_limit: 20\n"
    "    valid_until: '2030-01-01 00:00:00+00'\n"
    "    member_of: [readers]\n"
    "    password: { file: app.password }\n"
    "  - name: ops\n"
    "    superuser: true\n"
    "    replication: true\n";

}  // namespace

TEST_CASE("every role attribute is created, drifts out of band and is put back", "[e2e][docker][postgres]") {
  ClusterFixture cluster("roles");
  std::ofstream(cluster.dir() / "app.password") << "app-secret-1\n";
  cluster.write_spec(spec_text(cluster.name()) + kRoles);

  // One plan covers a master that does not exist yet and the roles in it.
  auto first = plan(cluster);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 2);
  CHECK(contains(first.out, "# pg_role.app will be created"));
  CHECK(contains(first.out, "# pg_role.readers will be created"));
  CHECK(contains(first.out, "+ password         = \"(sensitive value)\""));
  CHECK_FALSE(contains(first.out, "app-secret-1"));

  apply(cluster);
  auto c = cluster.connect();
  CHECK(role_row(*c, "app") == "t,f,t,t,f,t,f,20,2030-01-01,readers");
  CHECK(role_row(*c, "ops") == "f,t,f,f,t,f,t,-1,never,-");
  CHECK(role_row(*c, "readers") == "f,f,f,f,f,f,t,-1,never,-");
  CHECK(login(cluster, "app", "app-secret-1"));
  require_no_changes(cluster);

  SECTION("out-of-band changes show in the plan with their reason, and apply puts them back") {
    REQUIRE(
        c->execute("alter role app nocreatedb nocreaterole nobypassrls inherit nologin connection limit 5 "
                   "valid until '2031-06-01'"));
    REQUIRE(c->execute("revoke readers from app"));
    REQUIRE(c->execute("grant pg_monitor to app"));
    REQUIRE(c->execute("alter role ops nosuperuser noreplication login createdb"));
    auto drift = plan(cluster);
    INFO(drift.out << drift.err);
    CHECK(drift.exit_code == 2);
    CHECK(contains(drift.out, "# pg_role.app will be updated in place"));
    CHECK(contains(drift.out, "createdb is false on the server, the spec says true"));
    CHECK(contains(drift.out, "login is false on the server, the spec says true"));
    CHECK(contains(drift.out, "inherit is true on the server, the spec says false"));
    CHECK(contains(drift.out, "connection_limit is 5 on the server, the spec says 20"));
    CHECK(contains(drift.out, "valid_until is 2031-06-01"));
    CHECK(contains(drift.out, "member of [\"pg_monitor\"] on the server, the spec says [\"readers\"]"));
    CHECK(contains(drift.out, "createrole is false on the server, the spec says true"));
    CHECK(contains(drift.out, "bypassrls is false on the server, the spec says true"));
    CHECK(contains(drift.out, "superuser is false on the server, the spec says true"));
    CHECK(contains(drift.out, "replication is false on the server, the spec says true"));
    CHECK(contains(drift.out, "login is true on the server, the spec says false"));
    CHECK(contains(drift.out, "createdb is true on the server, the spec says false"));
    CHECK(contains(drift.out, "# pg_role.ops will be updated in place"));
    CHECK_FALSE(contains(drift.out, "# pg_role.readers"));

    apply(cluster);
    CHECK(role_row(*c, "app") == "t,f,t,t,f,t,f,20,2030-01-01,readers");
    CHECK(role_row(*c, "ops") == "f,t,f,f,t,f,t,-1,never,-");
    require_no_changes(cluster);
  }

  SECTION("a change in the spec is applied to the role in place") {
    std::string spec = spec_text(cluster.name()) + kRoles;
    spec.replace(spec.find("createdb: true"), 14, "createdb: false");
    spec.replace(spec.find("connection_limit: 20"), 20, "connection_limit: 3");
    spec.replace(spec.find("member_of: [readers]"), 20, "member_of: []");
    spec.replace(spec.find("'2030-01-01 00:00:00+00'"), 24, "infinity");
    spec.replace(spec.find("createrole: true"), 16, "createrole: false");
    spec.replace(spec.find("bypassrls: true"), 15, "bypassrls: false");
    spec.replace(spec.find("inherit: false"), 14, "inherit: true");
    spec.replace(spec.find("    superuser: true\n    replication: true\n"), 42,
                 "    superuser: false\n    replication: false\n    login: true\n    inherit: false\n");
    cluster.write_spec(spec);
    auto changed = plan(cluster);
    INFO(changed.out << changed.err);
    CHECK(changed.exit_code == 2);
    CHECK(contains(changed.out, "Plan: 0 to add, 2 to change, 0 to destroy."));
    apply(cluster);
    CHECK(role_row(*c, "app") == "t,f,f,f,f,f,t,3,never,-");
    CHECK(role_row(*c, "ops") == "t,f,f,f,f,f,f,-1,never,-");
    CHECK(login(cluster, "app", "app-secret-1"));
    require_no_changes(cluster);
  }

  SECTION("ensure: absent drops a role; a role left out of the spec is kept and no longer managed") {
    std::string spec = spec_text(cluster.name()) + kRoles;
    spec.replace(spec.find("  - name: ops\n"), 14, "  - name: ops\n    ensure: absent\n");
    spec.replace(spec.find("  - name: readers\n"), 18, "");
    spec.replace(spec.find("    member_of: [readers]\n"), 25, "");
    cluster.write_spec(spec);
    auto changed = plan(cluster);
    INFO(changed.out << changed.err);
    CHECK(contains(changed.out, "# pg_role.ops will be destroyed\n  #   because ensure: absent"));
    CHECK(contains(changed.out, "# pg_role.readers will no longer be managed"));
    apply(cluster);
    CHECK(scalar(*c, "select count(*) from pg_roles where rolname = 'ops'") == "0");
    CHECK(scalar(*c, "select count(*) from pg_roles where rolname = 'readers'") == "1");
    CHECK_FALSE(
        contains(slurp(cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json")), "pg_role.readers"));
    require_no_changes(cluster);
  }
}

TEST_CASE("a password changed out of band is detected against the stored verifier and put back",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("rolepw");
  std::ofstream(cluster.dir() / "app.password") << "the-spec-password\n";
  cluster.write_spec(spec_text(cluster.name()) +
                     "roles:\n"
                     "  - name: app\n    login: true\n    password: { file: app.password }\n"
                     "  - name: keeper\n    login: true\n");
  apply(cluster);
  auto c = cluster.connect();
  REQUIRE(c->execute("alter role keeper password 'kept-by-the-dba'"));
  REQUIRE(login(cluster, "app", "the-spec-password"));
  REQUIRE(login(cluster, "keeper", "kept-by-the-dba"));
  require_no_changes(cluster);  // keeper's password is not the spec's business

  REQUIRE(c->execute("alter role app password 'other'"));
  auto drift = plan(cluster);
  INFO(drift.out << drift.err);
  CHECK(drift.exit_code == 2);
  CHECK(contains(drift.out,
                 "# pg_role.app will be updated in place\n  #   because the password on the server is not "
                 "the spec's"));
  CHECK(contains(drift.out, "Plan: 0 to add, 1 to change, 0 to destroy."));
  CHECK_FALSE(login(cluster, "app", "the-spec-password"));

  apply(cluster);
  CHECK(login(cluster, "app", "the-spec-password"));
  CHECK_FALSE(login(cluster, "app", "other"));
  CHECK(login(cluster, "keeper", "kept-by-the-dba"));
  CHECK(scalar(*c, "select rolpassword like 'SCRAM-SHA-256$4096:%' from pg_authid where rolname = 'app'") ==
        "t");
  require_no_changes(cluster);

  SECTION("a new password in the spec is set; the old one stops working") {
    std::ofstream(cluster.dir() / "app.password") << "the-next-password\n";
    auto changed = plan(cluster);
    INFO(changed.out << changed.err);
    CHECK(changed.exit_code == 2);
    CHECK(contains(changed.out,
                   "# pg_role.app will be updated in place\n  #   because the password on the "
                   "server is not the spec's"));
    CHECK_FALSE(contains(changed.out, "the-next-password"));
    apply(cluster);
    CHECK(login(cluster, "app", "the-next-password"));
    CHECK_FALSE(login(cluster, "app", "the-spec-password"));
    CHECK(login(cluster, "keeper", "kept-by-the-dba"));
    require_no_changes(cluster);
  }

  SECTION("a password stored as md5 is re-stored as SCRAM") {
    REQUIRE(c->execute("set password_encryption = 'md5'"));
    REQUIRE(c->execute("alter role app password 'the-spec-password'"));
    auto md5 = plan(cluster);
    INFO(md5.out << md5.err);
    CHECK(contains(md5.out, "the password is stored as an md5 hash"));
    apply(cluster);
    CHECK(scalar(*c, "select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'app'") ==
          "t");
  }
}

TEST_CASE("role passwords show nowhere: state, plans, logs, the server's log, docker inspect",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("rolesecret");
  const std::string password = "a-role-password-nobody-sees";
  std::ofstream(cluster.dir() / "app.password") << password;
  std::string spec = spec_text(cluster.name()) +
                     "roles:\n  - name: app\n    login: true\n    password: { file: app.password }\n"
                     "  - name: gen\n    login: true\n    password: { generate: true }\n";
  // The server logs every statement: the password's must not be among them.
  spec.replace(spec.find("    work_mem: 8MB\n"), 18, "    work_mem: 8MB\n    log_statement: all\n");
  cluster.write_spec(spec);
  auto applied = run_pgdecl(cluster.dir(), "--log-level debug apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  auto c = cluster.connect();
  // log_statement comes in with the settings, after the first roles: set
  // the password again with it on.
  REQUIRE(c->execute("alter role app password 'changed'"));
  REQUIRE(c->execute("alter role gen password 'changed'"));
  auto reapplied = run_pgdecl(cluster.dir(), "--log-level debug apply -f spec.yaml --auto-approve");
  INFO(reapplied.out << reapplied.err);
  REQUIRE(reapplied.exit_code == 0);
  REQUIRE(login(cluster, "app", password));
  auto secrets = state::SecretsFile::open(cluster.dir() / ".pgdecl" / (cluster.name() + ".secrets.json"));
  REQUIRE(secrets);
  auto generated = secrets->get("role.gen");
  REQUIRE(generated);
  REQUIRE(login(cluster, "gen", generated->reveal()));

  const std::string app_verifier = scalar(*c, "select rolpassword from pg_authid where rolname = 'app'");
  const std::string gen_verifier = scalar(*c, "select rolpassword from pg_authid where rolname = 'gen'");
  auto plan_text = run_pgdecl(cluster.dir(), "--log-level trace plan -f spec.yaml");
  auto plan_json = run_pgdecl(cluster.dir(), "plan -f spec.yaml --json --out saved.plan");
  auto shown = run_pgdecl(cluster.dir(), "show -f spec.yaml --json");
  auto inspect = run_command("docker inspect " + cluster.name() + "-master");
  auto server_log = run_command("docker logs " + cluster.name() + "-master");
  REQUIRE(inspect.exit_code == 0);
  REQUIRE(server_log.exit_code == 0);
  REQUIRE(contains(server_log.out, "alter role app password"));  // the log does hold statements
  const std::string state = slurp(cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json"));
  const std::string saved = slurp(cluster.dir() / "saved.plan");
  for (const std::string& secret : {password, generated->reveal(), app_verifier, gen_verifier,
                                    app_verifier.substr(app_verifier.rfind(':') + 1)}) {
    for (const std::string* text : std::initializer_list<const std::string*>{
             &applied.out, &applied.err, &reapplied.out, &reapplied.err, &plan_text.out, &plan_text.err,
             &plan_json.out, &plan_json.err, &shown.out, &shown.err, &inspect.out, &server_log.out, &state,
             &saved}) {
      CHECK_FALSE(contains(*text, secret));
    }
  }
  CHECK_FALSE(contains(server_log.out, "SCRAM-SHA-256$"));
}
