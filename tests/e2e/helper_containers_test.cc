// The short-lived containers pgdecl makes beside a replica (a probe that
// reads its volume, the copy that fills it): plan, status and show take no
// lock and run beside an apply, so a run removes only helpers of runs that
// are over.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "providers/docker/run_identity.h"
#include "tests/e2e/replica_fixture.h"

namespace pgdecl::testing {
namespace {

std::string id_of(const std::string& container) {
  auto inspected = run_command("docker container inspect --format '{{.Id}}' " + container);
  return inspected.exit_code == 0 ? inspected.out : "(gone)";
}

// A run that has ended: a process of this host that was started and is
// gone now.
docker::RunId ended_run() {
  pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  docker::RunId run = docker::this_run();
  run.pid = child;
  run.start_time = docker::process_start_time(child).value_or("");
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return run;
}

// Makes, as a run of pgdecl would, replica1's probe container for `run`.
void make_probe(ClusterFixture& cluster, const std::string& name, const docker::RunId& run) {
  const std::string n = cluster.name();
  auto made = run_command("docker create --name " + name + " --label pgdecl.cluster=" + n +
                          " --label pgdecl.address=pg_replica.replica1 --label pgdecl.helper=probe" +
                          " --label pgdecl.run=" + docker::run_label(run) + " -v " + n +
                          "-replica1_data:/var/lib/postgresql/data postgres:15 true");
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
}

}  // namespace

TEST_CASE("a plan beside an apply leaves the apply's probe container alone and removes a killed run's",
          "[e2e][docker][postgres][replica][helpers]") {
  ClusterFixture cluster("probes");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  // Without its container, a plan reads replica1's volume through a probe.
  REQUIRE(run_command("docker rm -f " + cluster.name() + "-replica1").exit_code == 0);
  // The probe of a run still going (this test's process stands for the
  // apply), and one a killed run left.
  const std::string held = cluster.name() + "-replica1-probe-held";
  const std::string left = cluster.name() + "-replica1-probe-left";
  make_probe(cluster, held, docker::this_run());
  make_probe(cluster, left, ended_run());
  const std::string held_id = id_of(held);

  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(plan.exit_code == 0);
  CHECK(contains(plan.out, "docker_container.replica1 will be created"));
  CHECK(id_of(held) == held_id);
  CHECK(id_of(left) == "(gone)");
  // The plan's own probe went with it: the one held is all there is.
  CHECK(run_command("docker ps -aq --filter label=pgdecl.helper=probe --filter label=pgdecl.cluster=" +
                    cluster.name())
            .out == held_id.substr(0, 12) + "\n");
  run_command("docker rm -f " + held);
}

TEST_CASE("a container at a helper's name without the pgdecl.helper label is refused and kept",
          "[e2e][docker][postgres][replica][helpers]") {
  ClusterFixture cluster("helperlabel");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  // At the copy's name, labelled with the cluster and the replica, as
  // anyone could: no pgdecl.helper label, so pgdecl did not make it.
  const std::string copy = cluster.name() + "-replica1-bootstrap";
  auto planted = run_command("docker create --name " + copy + " --label pgdecl.cluster=" + cluster.name() +
                             " --label pgdecl.address=pg_replica.replica1 postgres:15 true");
  REQUIRE(planted.exit_code == 0);
  const std::string before = id_of(copy);

  auto apply = cluster.run("apply -f spec.yaml --auto-approve --timeout 30s");
  CHECK(apply.exit_code == 1);
  CHECK(contains(apply.err,
                 "container " + copy + " already exists and is not this cluster's: it belongs to cluster " +
                     cluster.name() +
                     " as pg_replica.replica1, without the pgdecl.helper label pgdecl gives its helpers"));
  CHECK(id_of(copy) == before);
}

}  // namespace pgdecl::testing
