// `pgdecl reconcile` puts back what is safe unattended: a replica whose
// container was removed is made again on its data, one stopped by hand is
// started, a spec edited in place is followed. What destroys data (a
// database dropped) waits for a person, and says so.
#include <csignal>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/replica_fixture.h"

namespace pgdecl::testing {

TEST_CASE("reconcile makes a removed replica again, starts a stopped one, follows the spec, holds a drop",
          "[e2e][docker][postgres][replica][reconcile]") {
  ClusterFixture cluster("reconcile");
  const std::string spec = replica_spec(cluster.name(), 2);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.connect()->execute("create table kept as select 1 as n"));

  BackgroundPgdecl reconcile(cluster.dir(), "reconcile -f spec.yaml --interval 1s");
  REQUIRE(reconcile.wait_for_count("\"event\":\"in_sync\"", 1, std::chrono::seconds(90)));
  REQUIRE(run_command("docker rm -f " + cluster.name() + "-replica1").exit_code == 0);
  REQUIRE(run_command("docker stop " + cluster.name() + "-replica2").exit_code == 0);
  INFO(reconcile.out());
  REQUIRE(reconcile.wait_for_count("\"event\":\"in_sync\"", 2, std::chrono::seconds(90)));
  CHECK(contains(reconcile.out(), "docker_container.replica1"));
  CHECK(contains(reconcile.out(), "docker_container.replica2"));
  for (const char* replica : {"replica1", "replica2"})
    CHECK(eventually(*connect_node(cluster, replica), "select n::text from kept") == "1");

  // The spec edited in place is followed; a database it then marks absent
  // is data a drop destroys: that waits, named, until a person applies it.
  cluster.write_spec(spec + "databases:\n  - name: appdb\n");
  REQUIRE(reconcile.wait_for_count("\"event\":\"in_sync\"", 3, std::chrono::seconds(90)));
  CHECK(scalar(*cluster.connect(), "select count(*)::text from pg_database where datname = 'appdb'") == "1");
  cluster.write_spec(spec + "databases:\n  - name: appdb\n    ensure: absent\n");
  CHECK(reconcile.wait_for_output("it destroys data", std::chrono::seconds(60)));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(scalar(*cluster.connect(), "select count(*)::text from pg_database where datname = 'appdb'") == "1");

  reconcile.signal(SIGTERM);
  CHECK(reconcile.wait(std::chrono::seconds(60)).exit_code == 0);
}

}  // namespace pgdecl::testing
