// pgdecl checks that the server it reaches is the node it made: the node's
// name (cluster_name) and the system identifier the state recorded.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::scalar;
using pgdecl::testing::slurp;
using pgdecl::testing::spec_text;

namespace {

const std::string kSystemIdentifier = "select system_identifier::text from pg_control_system()";

std::filesystem::path state_file(ClusterFixture& cluster) {
  return cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json");
}

std::string recorded_identifier(ClusterFixture& cluster) {
  auto state = nlohmann::json::parse(slurp(state_file(cluster)));
  for (const auto& resource : state["resources"]) {
    if (resource["address"] == "docker_container.master")
      return resource["attributes"].value("system_identifier", "");
  }
  return "";
}

void record_identifier(ClusterFixture& cluster, const std::string& identifier) {
  auto state = nlohmann::json::parse(slurp(state_file(cluster)));
  for (auto& resource : state["resources"]) {
    if (resource["address"] == "docker_container.master")
      resource["attributes"]["system_identifier"] = identifier;
  }
  std::ofstream(state_file(cluster)) << state.dump(2);
}

}  // namespace

TEST_CASE("a server holding another cluster's data than the state recorded is refused",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("identity");
  ClusterFixture other("identity-other");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(other.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string mine = scalar(*cluster.connect(), kSystemIdentifier);
  const std::string theirs = scalar(*other.connect(), kSystemIdentifier);
  REQUIRE(mine != theirs);
  CHECK(recorded_identifier(cluster) == mine);

  // The state now says the master is the other cluster's: the server at
  // the master's port is not that data.
  record_identifier(cluster, theirs);
  const std::string address = "127.0.0.1:" + std::to_string(cluster.published_port());
  for (const char* command : {"plan -f spec.yaml", "apply -f spec.yaml --auto-approve"}) {
    auto refused = cluster.run(command);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "node master: the server at " + address +
                                    " holds the cluster with system identifier " + mine +
                                    ", but the state records " + theirs + " for this node"));
    CHECK(contains(refused.err, "pgdecl apply --replace docker_container.master"));
  }

  // Taking the data the volume holds now is asked for by name.
  auto taken = cluster.run("apply -f spec.yaml --auto-approve --replace docker_container.master");
  CHECK(taken.exit_code == 0);
  CHECK(recorded_identifier(cluster) == mine);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a master moved to a new volume on purpose gets a new cluster, and its identifier is recorded",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("identity-move");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string first = recorded_identifier(cluster);
  REQUIRE_FALSE(first.empty());

  std::string moved = spec_text(cluster.name());
  moved.replace(moved.find("  data: {}\n"), 11, "  data: {}\n  data2: {}\n");
  moved.replace(moved.find("volume: data\n"), 13, "volume: data2\n");
  cluster.write_spec(moved);
  auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(planned.exit_code == 2);
  CHECK(contains(planned.out, "the data volume changes"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string second = scalar(*cluster.connect(), kSystemIdentifier);
  CHECK(second != first);
  CHECK(recorded_identifier(cluster) == second);
  // The new cluster starts on pgdecl's own rules and settings; the spec's
  // follow with the next apply, on the new data, not refused.
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(recorded_identifier(cluster) == second);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
