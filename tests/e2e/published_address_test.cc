// pgdecl talks to a node only at the address Docker published for it, as
// it is now: the host address (::1 is not 127.0.0.1) and the current port
// (a port picked by Docker changes when the container starts again).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::BackgroundPgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::node_port;
using pgdecl::testing::replica_spec;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a master published on [::1] is reached there", "[e2e][docker][postgres][published]") {
  ClusterFixture cluster("ipv6");
  std::string spec = spec_text(cluster.name());
  spec.replace(spec.find("publish: 127.0.0.1:0"), 20, "publish: \"[::1]:0\"");
  cluster.write_spec(spec);

  auto applied = cluster.run("apply -f spec.yaml --auto-approve --timeout 30s");
  REQUIRE(applied.exit_code == 0);
  auto published = run_command("docker port " + cluster.name() + "-master 5432/tcp");
  CHECK(contains(published.out, "[::1]:"));
  auto calm = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(calm.exit_code == 0);
  auto status = cluster.run("status -f spec.yaml");
  CHECK(status.exit_code == 0);

  auto conn = pg::Connection::open({"::1", cluster.published_port(), "postgres", "postgres"},
                                   Secret(cluster.superuser_password()));
  REQUIRE(conn);
  CHECK(scalar(**conn, "select inet_client_addr()::text") != "");
}

TEST_CASE("an apply that restarts a master published on port 0 follows it to its new port",
          "[e2e][docker][postgres][published][replica]") {
  ClusterFixture cluster("newport");
  const std::string base = replica_spec(cluster.name(), 1);
  cluster.write_spec(base);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  SECTION("a start-only parameter restarts it") {
    const int before = node_port(cluster, "master");
    std::string spec = base;
    spec.replace(spec.find("work_mem: 8MB"), 13, "work_mem: 8MB\n    shared_buffers: 64MB");
    cluster.write_spec(spec);
    const auto start = std::chrono::steady_clock::now();
    auto applied = cluster.run("apply -f spec.yaml --auto-approve --timeout 30s");
    CHECK(applied.exit_code == 0);
    CHECK(seconds_since(start) < 30);
    CHECK(node_port(cluster, "master") != before);
    auto master = cluster.connect();
    CHECK(scalar(*master, "show shared_buffers") == "64MB");
  }
  SECTION("it was stopped by hand") {
    const int before = node_port(cluster, "master");
    REQUIRE(run_command("docker stop " + cluster.name() + "-master").exit_code == 0);
    const auto start = std::chrono::steady_clock::now();
    auto applied = cluster.run("apply -f spec.yaml --auto-approve --timeout 30s");
    CHECK(applied.exit_code == 0);
    CHECK(seconds_since(start) < 30);
    CHECK(node_port(cluster, "master") != before);
  }
  auto calm = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(calm.exit_code == 0);
}

// The port moves between two steps of one apply, behind its back (a
// restart by hand, a Docker restart policy): the next step's connection
// goes to where the master is now, not where the apply first found it.
TEST_CASE("a master that moves to a new port between two steps of an apply is followed there",
          "[e2e][docker][postgres][published]") {
  ClusterFixture cluster("movedport");
  const std::string base = spec_text(cluster.name());
  cluster.write_spec(base);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  cluster.write_spec(base +
                     "roles:\n  - name: owner2\n    login: true\n"
                     "databases:\n  - name: db2\n    owner: owner2\n");
  const int before = cluster.published_port();

  ::setenv("PGDECL_TEST_STOP_AT", "pg_role.owner2 recorded", 1);
  BackgroundPgdecl apply(cluster.dir(), "apply -f spec.yaml --auto-approve --timeout 20s");
  ::unsetenv("PGDECL_TEST_STOP_AT");
  REQUIRE(apply.wait_until_stopped(std::chrono::seconds(60)));
  REQUIRE(run_command("docker restart -t 5 " + cluster.name() + "-master").exit_code == 0);
  REQUIRE(cluster.published_port() != before);
  apply.signal(SIGCONT);
  auto done = apply.wait(std::chrono::seconds(60));
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(scalar(*cluster.connect(), "select pg_get_userbyid(datdba) from pg_database where datname = 'db2'") ==
        "owner2");
}
