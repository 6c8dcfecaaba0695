// pg_hba.conf on disk is never one the server rejects, even when pgdecl is
// killed halfway through installing one; and one that is rejected all the
// same (edited by hand) is not called converged.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;

namespace {

// Valid in shape, but PostgreSQL refuses it while SSL is off.
const std::string kRejectedLine = "hostssl all all samenet scram-sha-256";
const std::string kRejectedLines = "select count(*) from pg_hba_file_rules where error is not null";

std::string hba_on_disk(ClusterFixture& cluster) {
  return scalar(*cluster.connect(), "select pg_read_file('pg_hba.conf')");
}

}  // namespace

TEST_CASE("pgdecl killed while it installs a rejected pg_hba.conf leaves the accepted one on disk",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("hba-killed");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string accepted = hba_on_disk(cluster);
  cluster.write_spec(spec_text(cluster.name(), "    - " + kRejectedLine + "\n"));

  // Killed (SIGKILL) once the install is sent, before any answer.
  auto interrupted = run_command("cd '" + cluster.dir().string() + "' && PGDECL_TEST_KILL_AT=hba-install " +
                                 PGDECL_BINARY + " apply -f spec.yaml --auto-approve </dev/null");
  INFO(interrupted.out);
  CHECK(interrupted.exit_code == 128 + 9);
  // The server ran the install to its end: it checked the file, found it
  // rejected and put the accepted one back.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(scalar(*cluster.connect(), kRejectedLines) == "0");
  CHECK(hba_on_disk(cluster) == accepted);
  auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(planned.exit_code == 2);
  CHECK(contains(planned.out, "hostssl all all samenet"));
}

TEST_CASE("a pg_hba.conf on disk that the server rejects is not converged, even when it is the spec's",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("hba-rejected");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string accepted = hba_on_disk(cluster);
  // The spec gains a line the server rejects, and the file on disk gains
  // it too, by hand, as an install cut short by a crash would leave it.
  cluster.write_spec(spec_text(cluster.name(), "    - " + kRejectedLine + "\n"));
  auto added = run_command("docker exec -u postgres -w /var/lib/postgresql/data/pgdata " + cluster.name() +
                           "-master sh -c 'echo \"" + kRejectedLine + "\" >>pg_hba.conf'");
  REQUIRE(added.exit_code == 0);
  REQUIRE(scalar(*cluster.connect(), kRejectedLines) == "1");

  auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(planned.exit_code == 2);
  CHECK(contains(planned.out, "the server rejects pg_hba.conf as it is on disk (a restart would fail)"));
  CHECK(contains(planned.out, "hostssl record cannot match because SSL is disabled"));

  // Apply cannot install the spec's file, and puts back the last accepted one.
  auto applied = cluster.run("apply -f spec.yaml --auto-approve");
  CHECK(applied.exit_code == 1);
  CHECK(contains(applied.err, "the server rejects the new pg_hba.conf; the previous one stays in force"));
  CHECK(scalar(*cluster.connect(), kRejectedLines) == "0");
  CHECK(hba_on_disk(cluster) == accepted);
}
