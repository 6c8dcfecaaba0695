// Node containers start again with the Docker engine: they carry the
// restart policy unless-stopped, and one made without it gets it in place.
#include <catch2/catch.hpp>
#include <string>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::kStartTime;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;

namespace {

std::string inspect(const std::string& container, const std::string& format) {
  return run_command("docker inspect --format '" + format + "' " + container).out;
}

}  // namespace

TEST_CASE("a node container without the restart policy gets it in place, the server left running",
          "[e2e][docker][postgres][restart-policy]") {
  ClusterFixture cluster("policy");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string master = cluster.name() + "-master";
  CHECK(inspect(master, "{{.HostConfig.RestartPolicy.Name}}") == "unless-stopped\n");

  // As an earlier version made it.
  REQUIRE(run_command("docker update --restart=no " + master).exit_code == 0);
  const std::string id = inspect(master, "{{.Id}}");
  std::string started;
  {
    auto c = cluster.connect();
    started = scalar(*c, kStartTime);
  }
  auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "~ docker_container.master"));
  CHECK(contains(plan.out, "the container's restart policy is no, not unless-stopped"));

  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(inspect(master, "{{.HostConfig.RestartPolicy.Name}}") == "unless-stopped\n");
  CHECK(inspect(master, "{{.Id}}") == id);
  auto c = cluster.connect();
  CHECK(scalar(*c, kStartTime) == started);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
