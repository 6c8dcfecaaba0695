// kill -9 at the step boundaries of an apply of a master, two replicas,
// roles and a database: whatever point the apply died at, the next apply
// converges, leaves no orphaned Docker object, keeps exactly one slot per
// replica and loses no row written before the kill. The points are read
// off the apply's own step timeline; PGDECL_KILL_CAMPAIGN=all tries every
// boundary (bench/kill_campaign.sh), otherwise 15 spread over it.
#include <cstdlib>
#include <regex>
#include <set>

#include "tests/e2e/replica_fixture.h"

namespace pgdecl::testing {
namespace {

constexpr int kRows = 1000;
constexpr int kPointsInCi = 15;

// Roles and a database the full spec makes and the base spec drops, so
// that every round's apply makes them anew; replica volumes go with
// their replicas.
std::string base_spec(const std::string& cluster) {
  return spec_text(cluster) +
         "roles:\n  - name: replicator\n    ensure: absent\n  - name: app\n    ensure: absent\n"
         "databases:\n  - name: appdb\n    ensure: absent\n";
}

std::string full_spec(const std::string& cluster) {
  std::string spec = replica_spec(cluster, 2) +
                     "  - name: app\n    login: true\n    password: { generate: true }\n" +
                     "databases:\n  - name: appdb\n    owner: app\n";
  for (const char* volume : {"  replica1_data: {}\n", "  replica2_data: {}\n"}) {
    const std::string name = std::string(volume).substr(2, 13);
    spec.replace(spec.find(volume), std::string(volume).size(),
                 "  " + name + ":\n    prevent_destroy: false\n");
  }
  return spec;
}

// The boundaries the apply reaches, from its trace log.
int count_boundaries(const std::string& log) {
  static const std::regex line("boundary ([0-9]+): ");
  int most = 0;
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
    most = std::max(most, std::stoi((*it)[1].str()));
  }
  return most;
}

std::vector<int> points_to_try(int boundaries) {
  std::vector<int> points;
  const char* all = std::getenv("PGDECL_KILL_CAMPAIGN");
  if ((all && std::string(all) == "all") || boundaries <= kPointsInCi) {
    for (int n = 1; n <= boundaries; ++n) points.push_back(n);
    return points;
  }
  for (int i = 0; i < kPointsInCi; ++i) points.push_back(1 + i * (boundaries - 1) / (kPointsInCi - 1));
  return points;
}

// Every Docker object that carries the cluster's name, labelled or not.
std::set<std::string> objects_named_for(ClusterFixture& cluster) {
  std::set<std::string> names;
  const std::string prefix = cluster.name() + "-";
  auto containers = cluster.docker().list_containers({});
  REQUIRE(containers);
  for (const auto& c : *containers) {
    if (c.name.rfind(prefix, 0) == 0) names.insert("container " + c.name);
  }
  auto volumes = cluster.docker().list_volumes({});
  REQUIRE(volumes);
  for (const auto& v : *volumes) {
    if (v.name.rfind(prefix, 0) == 0) names.insert("volume " + v.name);
  }
  auto networks = cluster.docker().list_networks({});
  REQUIRE(networks);
  for (const auto& n : *networks) {
    if (n.name.rfind(prefix, 0) == 0) names.insert("network " + n.name);
  }
  return names;
}

CliResult apply_killed_at(ClusterFixture& cluster, int boundary) {
  ::setenv("PGDECL_TEST_KILL_AT", ("boundary:" + std::to_string(boundary)).c_str(), 1);
  auto result = cluster.run("apply -f spec.yaml --auto-approve");
  ::unsetenv("PGDECL_TEST_KILL_AT");
  return result;
}

}  // namespace

TEST_CASE("kill -9 at any step boundary of an apply: the next apply converges with nothing orphaned or lost",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("kill9");
  const std::string n = cluster.name();
  cluster.write_spec(base_spec(n));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.connect()->execute("create table kept as select generate_series(1, " +
                                     std::to_string(kRows) + ") as id"));

  cluster.write_spec(full_spec(n));
  auto timeline = cluster.run("--log-level trace apply -f spec.yaml --auto-approve");
  REQUIRE(timeline.exit_code == 0);
  const int boundaries = count_boundaries(timeline.err);
  INFO("the apply has " << boundaries << " step boundaries");
  REQUIRE(boundaries >= kPointsInCi);
  const std::set<std::string> expected = {"container " + n + "-master",     "container " + n + "-replica1",
                                          "container " + n + "-replica2",   "volume " + n + "-data",
                                          "volume " + n + "-replica1_data", "volume " + n + "-replica2_data",
                                          "network " + n + "-net"};
  CHECK(objects_named_for(cluster) == expected);

  for (int point : points_to_try(boundaries)) {
    INFO("killed at boundary " << point << " of " << boundaries);
    cluster.write_spec(base_spec(n));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve --purge-volumes").exit_code == 0);
    cluster.write_spec(full_spec(n));

    auto killed = apply_killed_at(cluster, point);
    CHECK(killed.exit_code == 128 + 9);  // the shell that ran it reports the SIGKILL
    CHECK(contains(killed.err, "killed at boundary " + std::to_string(point)));

    auto converged = cluster.run("apply -f spec.yaml --auto-approve");
    REQUIRE(converged.exit_code == 0);
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
    CHECK(cluster.run("status -f spec.yaml").exit_code == 0);
    CHECK(objects_named_for(cluster) == expected);
    auto master = cluster.connect();
    CHECK(scalar(*master, "select string_agg(slot_name, ',' order by slot_name) from pg_replication_slots") ==
          "pgdecl_replica1,pgdecl_replica2");
    CHECK(scalar(*master, "select count(*) from kept") == std::to_string(kRows));
  }
}

}  // namespace pgdecl::testing
