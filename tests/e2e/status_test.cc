#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::run_pgdecl;

namespace {

// The table line of a node, its cells one space apart, so a check reads
// what a user sees without counting padding.
std::string node_line(const std::string& out, const std::string& node) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string word, joined;
    while (words >> word) joined += (joined.empty() ? "" : " ") + word;
    if (joined.rfind(node + " ", 0) == 0) return joined;
  }
  return "";
}

}  // namespace

TEST_CASE("status follows a master from missing to running to stopped", "[e2e][docker][postgres]") {
  ClusterFixture cluster("status");
  const auto state_dir = cluster.dir() / ".pgdecl";

  auto before = run_pgdecl(cluster.dir(), "status -f spec.yaml");
  INFO(before.out << before.err);
  CHECK(before.exit_code == 3);
  CHECK(node_line(before.out, "master") == "master master missing container missing - -");
  CHECK(before.out.find("Not healthy:\n  - master: container missing\n") != std::string::npos);
  // Read-only: nothing made in Docker, no state, no generated password kept.
  docker::Labels mine{{"pgdecl.cluster", cluster.name()}};
  CHECK(cluster.docker().list_containers(mine)->empty());
  CHECK(cluster.docker().list_networks(mine)->empty());
  CHECK(cluster.docker().list_volumes(mine)->empty());
  CHECK_FALSE(std::filesystem::exists(state_dir / (cluster.name() + ".state.json")));
  CHECK_FALSE(std::filesystem::exists(state_dir / (cluster.name() + ".secrets.json")));

  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  const std::string published = "127.0.0.1:" + std::to_string(cluster.published_port());

  auto healthy = run_pgdecl(cluster.dir(), "status -f spec.yaml");
  INFO(healthy.out << healthy.err);
  CHECK(healthy.exit_code == 0);
  CHECK(healthy.out.rfind("Cluster " + cluster.name() + "\n", 0) == 0);
  CHECK(node_line(healthy.out, "master") == "master master running " + published + " accepting - -");
  CHECK(healthy.out.find("Healthy: the master accepts connections and every replica is streaming.\n") !=
        std::string::npos);

  auto as_json = run_pgdecl(cluster.dir(), "status -f spec.yaml --json");
  INFO(as_json.out << as_json.err);
  CHECK(as_json.exit_code == 0);
  auto json = nlohmann::json::parse(as_json.out);
  CHECK(json["cluster"] == cluster.name());
  CHECK(json["healthy"] == true);
  CHECK(json["problems"].empty());
  REQUIRE(json["nodes"].size() == 1);
  const auto& master = json["nodes"][0];
  CHECK(master["name"] == "master");
  CHECK(master["role"] == "master");
  CHECK(master["container"] == nlohmann::json({{"state", "running"}, {"published", published}}));
  CHECK(master["streaming"] == nlohmann::json({{"state", "accepting"}, {"reason", nullptr}}));
  CHECK(master["lag"].is_null());
  CHECK(master["slot"].is_null());
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  REQUIRE(cluster.docker().stop_container(cluster.name() + "-master", 30));
  auto stopped = run_pgdecl(cluster.dir(), "status -f spec.yaml");
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 3);
  CHECK(node_line(stopped.out, "master") == "master master exited container exited - -");
  CHECK(stopped.out.find("Not healthy:\n  - master: container exited\n") != std::string::npos);

  auto stopped_json = run_pgdecl(cluster.dir(), "status -f spec.yaml --json");
  CHECK(stopped_json.exit_code == 3);
  auto down = nlohmann::json::parse(stopped_json.out);
  CHECK(down["healthy"] == false);
  CHECK(down["nodes"][0]["container"]["state"] == "exited");
  CHECK(down["nodes"][0]["streaming"] ==
        nlohmann::json({{"state", "unreachable"}, {"reason", "container exited"}}));
}

TEST_CASE("status of a broken spec is an error, with the spec's diagnostics", "[e2e][docker][postgres]") {
  ClusterFixture cluster("status-bad");
  cluster.write_spec(pgdecl::testing::spec_text(cluster.name()) + "volumne: {}\n");
  auto result = run_pgdecl(cluster.dir(), "status -f spec.yaml");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("spec.yaml:") != std::string::npos);
  CHECK(result.err.find("unknown key 'volumne'") != std::string::npos);
  CHECK(result.out.empty());
}
