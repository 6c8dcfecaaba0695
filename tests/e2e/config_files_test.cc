// pgdecl.conf and pg_hba.conf are rendered whole from the spec: what the
// spec drops goes, and an edit made on the server behind pgdecl's back is
// drift that apply puts back.
#include <catch2/catch.hpp>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::kStartTime;
using pgdecl::testing::on_master;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;
using pgdecl::testing::with_parameters;

namespace {

void reload(ClusterFixture& cluster) { REQUIRE(cluster.connect()->execute("select pg_reload_conf()")); }

// Plans align attribute names in columns; one space apart is easier to
// look for.
std::string squeezed(std::string text) {
  for (auto at = text.find("  "); at != std::string::npos; at = text.find("  ", at)) text.erase(at, 1);
  return text;
}

}  // namespace

TEST_CASE("a parameter taken out of the spec is taken out of the server's settings",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("conf-dropped");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string started = scalar(*cluster.connect(), kStartTime);

  // work_mem is reloadable: it goes back to its built-in default without a
  // restart.
  cluster.write_spec(with_parameters(cluster.name(), "    max_connections: 50\n"));
  auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(planned.exit_code == 2);
  CHECK(contains(planned.out, "# pg_settings.master will be updated in place\n"));
  CHECK(
      contains(planned.out,
               "pgdecl.conf on the server sets work_mem = 8MB, which the spec does not set: it goes back to "
               "4096kB"));
  CHECK(contains(planned.out, "~ work_mem = \"8MB\" -> \"4096kB\"\n"));
  CHECK_FALSE(contains(planned.out, "(restart)"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  {
    auto c = cluster.connect();
    CHECK(scalar(*c, "show work_mem") == "4MB");
    CHECK(scalar(*c, "select count(*) from pg_file_settings where name = 'work_mem'") == "0");
    CHECK(scalar(*c, kStartTime) == started);
  }
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // max_connections is read at start: taking it out restarts the server.
  cluster.write_spec(with_parameters(cluster.name(), ""));
  auto restart = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(restart.exit_code == 2);
  CHECK(contains(restart.out, "# pg_settings.master will be updated in place (restart)\n"));
  CHECK(contains(restart.out, "~ max_connections = \"50\" -> \"100\" # restarts the server\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  {
    auto c = cluster.connect();
    CHECK(scalar(*c, "show max_connections") == "100");  // as initdb wrote postgresql.conf
    CHECK(scalar(*c, "select pending_restart from pg_settings where name = 'max_connections'") == "f");
    CHECK(scalar(*c, kStartTime) != started);
  }
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("pgdecl.conf edited on the server is drift, shown line by line and put back",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("conf-edited");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string started = scalar(*cluster.connect(), kStartTime);

  SECTION("a value waiting for a restart, and a line the spec never had") {
    on_master(cluster,
              "sed -i \"s/^max_connections = .*/max_connections = 70/\" pgdecl.conf && "
              "echo \"statement_timeout = 5s\" >>pgdecl.conf");
    reload(cluster);
    auto c = cluster.connect();
    // The server's value: pgdecl's own sessions bound their statements.
    REQUIRE(scalar(*c, "select reset_val from pg_settings where name = 'statement_timeout'") == "5000");
    REQUIRE(scalar(*c, "select pending_restart from pg_settings where name = 'max_connections'") == "t");

    auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(planned.exit_code == 2);
    CHECK(contains(planned.out,
                   "pgdecl.conf on the server sets max_connections = 70, pgdecl sets it to 50 (the server "
                   "runs 50 until it restarts)"));
    CHECK(contains(squeezed(planned.out), "~ max_connections = \"70\" -> \"50\"\n"));
    CHECK(contains(squeezed(planned.out), "~ statement_timeout = \"5s\" -> \"0ms\"\n"));
    // The server runs 50 already: rewriting the file needs no restart.
    CHECK_FALSE(contains(planned.out, "(restart)"));

    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    c = cluster.connect();
    CHECK(scalar(*c, "select pending_restart from pg_settings where name = 'max_connections'") == "f");
    CHECK(scalar(*c, "select reset_val from pg_settings where name = 'statement_timeout'") == "0");
    CHECK(scalar(*c, kStartTime) == started);
  }

  SECTION("the file taken away") {
    on_master(cluster, "rm pgdecl.conf");
    reload(cluster);
    auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(planned.exit_code == 2);
    CHECK(contains(planned.out, "pgdecl.conf on the server is missing or sets nothing"));
    CHECK(contains(planned.out, "~ work_mem"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    auto c = cluster.connect();
    CHECK(scalar(*c, "show work_mem") == "8MB");
    CHECK(scalar(*c, "select count(*) from pg_file_settings where sourcefile like '%/pgdecl.conf'") != "0");
    CHECK(scalar(*c, kStartTime) == started);
  }
  auto calm = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(calm.exit_code == 0);
  CHECK(contains(calm.out, "No changes."));
}

TEST_CASE(
    "pg_hba.conf holds pgdecl's rules, then the spec's lines in order; an edit on the server is put back",
    "[e2e][docker][postgres]") {
  ClusterFixture cluster("hba-order");
  cluster.write_spec(spec_text(cluster.name(),
                               "    - hostnossl all all 127.0.0.1/32 reject\n"
                               "    - host postgres all samenet md5\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string rules =
      "select string_agg(type || ' ' || array_to_string(database, ',') || ' ' || array_to_string(user_name, "
      "',') "
      "|| ' ' || coalesce(address, '-') || ' ' || auth_method, ' | ' order by line_number) "
      "from pg_hba_file_rules";
  const std::string in_order =
      "local all all - peer | host all postgres all scram-sha-256 | host all all samenet scram-sha-256 | "
      "hostnossl all all 127.0.0.1 reject | host postgres all samenet md5";
  CHECK(scalar(*cluster.connect(), rules) == in_order);

  on_master(cluster, "echo \"host all all 0.0.0.0/0 trust\" >>pg_hba.conf");
  reload(cluster);
  auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(planned.exit_code == 2);
  CHECK(contains(planned.out, "# pg_hba.master will be updated in place\n"));
  CHECK(contains(planned.out, "pg_hba.conf on the server differs from the spec"));
  CHECK(contains(planned.out, "- host all all 0.0.0.0/0 trust\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*cluster.connect(), rules) == in_order);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
