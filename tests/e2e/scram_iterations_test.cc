// A stored verifier's iteration count is the server's to choose: pgdecl
// spends a bounded time on checking one.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::write_spec_with_app_role;

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("a verifier with a huge iteration count is set again, not hashed", "[e2e][docker][postgres]") {
  ClusterFixture cluster("scram-iterations");
  write_spec_with_app_role(cluster, "app-secret");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  // Keys of the right length and 2^31-1 iterations: checking the password
  // against it would take PBKDF2 tens of minutes. Written into the catalog
  // directly: ALTER ROLE would spend that time itself, checking that the
  // verifier is not one of the empty password.
  const std::string huge = "SCRAM-SHA-256$2147483647:AAAAAAAAAAAAAAAAAAAAAA==$" + std::string(43, 'A') +
                           "=:" + std::string(43, 'A') + "=";
  REQUIRE(
      cluster.connect()->execute("UPDATE pg_authid SET rolpassword = '" + huge + "' WHERE rolname = 'app'"));

  const auto started = Clock::now();
  auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(std::chrono::duration<double>(Clock::now() - started).count() < 20);
  CHECK(planned.exit_code == 2);
  CHECK(contains(planned.out,
                 "the stored verifier uses 2147483647 iterations, more than pgdecl checks (100000); the "
                 "password is set again"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  auto app =
      pg::Connection::open({"127.0.0.1", cluster.published_port(), "app", "postgres"}, Secret("app-secret"));
  CHECK(app);
}
