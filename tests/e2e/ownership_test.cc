// pgdecl never creates over, mounts or removes a Docker object at a name it
// would use when the object is not this cluster's resource: two clusters
// whose names meet, or anything planted there.
#include <catch2/catch.hpp>
#include <string>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::contains;
using pgdecl::testing::replica_spec;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;

namespace {

// Removes, however the test ends, an object the test planted by hand
// (unlabelled, so the fixture would not find it).
struct Planted {
  std::string remove_command;
  ~Planted() { run_command(remove_command); }
};

std::string id_of(const std::string& kind, const std::string& name) {
  auto inspected = run_command("docker " + kind + " inspect --format '{{.Id}}' " + name);
  return inspected.exit_code == 0 ? inspected.out : "(gone)";
}

// Running containers that mount the volume: each is a postmaster on it.
std::string running_on(const std::string& volume) {
  return run_command("docker ps -q --filter volume=" + volume + " | wc -l").out;
}

}  // namespace

TEST_CASE("a cluster whose volume name meets another cluster's is refused at plan and apply",
          "[e2e][docker][postgres][ownership]") {
  // pg-2 with volume data and pg with volume 2-data both reach pg-2-data.
  ClusterFixture first("collide", "-2");
  ClusterFixture second("collide");
  const std::string shared = first.name() + "-data";
  REQUIRE(shared == second.name() + "-2-data");
  REQUIRE(first.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  {
    auto master = first.connect();
    REQUIRE(master->execute("create table kept as select 42 as v"));
  }
  std::string spec = spec_text(second.name());
  spec.replace(spec.find("  data: {}\n"), 11, "  2-data: {}\n");
  spec.replace(spec.find("volume: data"), 12, "volume: 2-data");
  second.write_spec(spec);

  auto plan = second.run("plan -f spec.yaml");
  CHECK(plan.exit_code == 1);
  CHECK(contains(plan.err, "volume " + shared + " already exists and is not this cluster's"));
  CHECK(contains(plan.err, "it belongs to cluster " + first.name() + " as docker_volume.data"));
  auto apply = second.run("apply -f spec.yaml --auto-approve");
  CHECK(apply.exit_code == 1);
  CHECK(contains(apply.err, "volume " + shared + " already exists"));

  CHECK(id_of("container", second.name() + "-master") == "(gone)");
  CHECK(running_on(shared) == "1\n");
  auto master = first.connect();
  CHECK(scalar(*master, "select v from kept") == "42");
}

TEST_CASE("a foreign volume, network or container at a name pgdecl would use is refused and kept",
          "[e2e][docker][postgres][ownership]") {
  ClusterFixture cluster("foreign");
  struct Case {
    std::string kind, name, make;
  };
  const std::string n = cluster.name();
  for (const Case& planted : {Case{"volume", n + "-data", "docker volume create " + n + "-data"},
                              Case{"network", n + "-net", "docker network create " + n + "-net"},
                              Case{"container", n + "-master",
                                   "docker create --name " + n + "-master " +
                                       "--label pgdecl.cluster=someone-else " + "postgres:15 true"}}) {
    SECTION(planted.kind) {
      Planted guard{"docker " + planted.kind + " rm -f " + planted.name};
      if (planted.kind == "network") guard.remove_command = "docker network rm " + planted.name;
      REQUIRE(run_command(planted.make).exit_code == 0);
      const std::string before = id_of(planted.kind, planted.name);

      auto plan = cluster.run("plan -f spec.yaml");
      CHECK(plan.exit_code == 1);
      CHECK(contains(plan.err,
                     planted.kind + " " + planted.name + " already exists and is not this cluster's"));
      auto apply = cluster.run("apply -f spec.yaml --auto-approve");
      CHECK(apply.exit_code == 1);
      CHECK(contains(apply.err, planted.kind + " " + planted.name + " already exists"));
      CHECK(id_of(planted.kind, planted.name) == before);
      CHECK(run_command("docker ps -aq --filter label=pgdecl.cluster=" + n).out.empty());
    }
  }
}

TEST_CASE("a foreign container at a replica's former probe name survives a plan",
          "[e2e][docker][postgres][ownership][replica]") {
  ClusterFixture cluster("probe");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  // Without its container, a plan reads the replica's volume through a
  // probe container, which earlier versions made at <cluster>-replica1-probe.
  REQUIRE(run_command("docker rm -f " + cluster.name() + "-replica1").exit_code == 0);
  const std::string probe = cluster.name() + "-replica1-probe";
  Planted guard{"docker rm -f " + probe};
  REQUIRE(run_command("docker create --name " + probe + " postgres:15 true").exit_code == 0);
  const std::string before = id_of("container", probe);

  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(plan.exit_code == 0);
  CHECK(id_of("container", probe) == before);
}

TEST_CASE("destroy removes what is this cluster's and leaves a foreign volume and container at its names",
          "[e2e][docker][postgres][ownership][replica]") {
  ClusterFixture cluster("destroyforeign");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  // replica1's container and volume went, and someone else's objects took
  // their names.
  const std::string n = cluster.name();
  const std::string container = n + "-replica1", volume = n + "-replica1_data";
  REQUIRE(run_command("docker rm -f " + container).exit_code == 0);
  REQUIRE(run_command("docker volume rm " + volume).exit_code == 0);
  Planted container_guard{"docker rm -f " + container};
  Planted volume_guard{"docker volume rm " + volume};
  REQUIRE(run_command("docker volume create " + volume).exit_code == 0);
  REQUIRE(run_command("docker create --name " + container + " postgres:15 true").exit_code == 0);
  const std::string container_before = id_of("container", container);
  const std::string volume_before = id_of("volume", volume);

  auto destroyed = cluster.run("destroy -f spec.yaml --auto-approve --purge-volumes");
  CHECK(destroyed.exit_code == 0);
  CHECK(contains(destroyed.out, "Destroy complete!"));
  const std::string left_alone = "Not this cluster's, so destroy leaves it as it is:\n  container " +
                                 container +
                                 " (it carries no pgdecl.cluster label: pgdecl did not make it)\n  volume " +
                                 volume + " (it carries no pgdecl.cluster label: pgdecl did not make it)\n";
  CHECK(contains(destroyed.out, left_alone));
  // Said in the plan, and again once destroyed.
  CHECK(destroyed.out.find(left_alone) != destroyed.out.rfind(left_alone));
  CHECK(id_of("container", container) == container_before);
  CHECK(id_of("volume", volume) == volume_before);
  // Nothing of the cluster's own is left.
  CHECK(run_command("docker ps -aq --filter label=pgdecl.cluster=" + n).out.empty());
  CHECK(run_command("docker volume ls -q --filter label=pgdecl.cluster=" + n).out.empty());
  CHECK(run_command("docker network ls -q --filter label=pgdecl.cluster=" + n).out.empty());
}
