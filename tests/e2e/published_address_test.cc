// pgdecl talks to a node only at the address Docker published for it, as
// it is now: the host address (::1 is not 127.0.0.1) and the current port
// (a port picked by Docker changes when the container starts again).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
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
