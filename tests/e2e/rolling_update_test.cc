// A change that takes nodes down reaches them one at a time: a new image
// replaces the replicas' containers one after another, each streaming
// again before the next goes, and the master's last, while a client
// writes all the time and loses no acknowledged row.
#include "tests/e2e/replica_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {

TEST_CASE("a new image reaches the replicas one at a time and the master last, losing no acknowledged row",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("rolling");
  const std::string spec = replica_spec(cluster.name(), 2);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  // Another tag of the same image: every container is made again on the
  // data it has.
  const std::string tag = "pgdecl-" + cluster.name() + ":rolled";
  REQUIRE(run_command("docker tag postgres:15 " + tag).exit_code == 0);
  cluster.remove_image_at_end(tag);
  std::string rolled = spec;
  rolled.replace(rolled.find("tag: postgres:15"), 16, "tag: " + tag);
  cluster.write_spec(rolled);

  auto plan = cluster.run("plan -f spec.yaml");
  INFO(plan.out);
  CHECK(contains(plan.out, "one replica at a time: it waits until docker_container.replica1 streams again"));
  CHECK(contains(plan.out, "the master goes last, once every replica streams again"));
  CHECK(contains(plan.out, "writes move to a streaming replica by a switchover first, and back after"));

  SteadyWriter writer(cluster, {"master", "replica1", "replica2"});
  auto applied = cluster.run("apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  auto at = [&](const std::string& line) {
    const auto found = applied.out.find(line);
    CHECK(found != std::string::npos);
    return found;
  };
  CHECK(at("docker_container.replica1: done after") < at("docker_container.replica2: Replacing..."));
  CHECK(at("docker_container.replica2: done after") < at("docker_container.master: Replacing..."));

  // The master was made again as a replica while replica1 took the writes,
  // and took them back.
  CHECK(read_write_alias_target(cluster, "replica2") == node_address(cluster, "master"));
  for (const char* node : {"master", "replica1", "replica2"}) {
    auto container = cluster.docker().inspect_container(cluster.name() + "-" + node);
    REQUIRE(container);
    REQUIRE(container->has_value());
    CHECK((*container)->labels.at("pgdecl.image") == tag);
  }
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  writer.check_nothing_lost();
}

}  // namespace pgdecl::testing
