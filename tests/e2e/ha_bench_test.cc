// The high-availability benchmark (bench/ha.sh runs it; hidden from the
// test run): the longest write outage a client sees, and the acknowledged
// rows lost, for each operation that moves or restarts the primary, ROUNDS
// times each. A client writes one row per statement all the time, through
// whichever node takes writes, as libpq's target_session_attrs=read-write
// does. One CSV line per round, to HA_BENCH_OUT (or stdout).
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/replica_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

int rounds() {
  const char* text = std::getenv("ROUNDS");
  return text ? std::max(1, std::atoi(text)) : 5;
}

void record(const std::string& operation, int round, SteadyWriter& writer) {
  writer.stop();
  const auto acknowledged = writer.acknowledged();
  const long kept = writer.kept_on_primary(acknowledged);
  const std::string line = operation + "," + std::to_string(round) + "," +
                           std::to_string(writer.longest_outage().count()) + "," +
                           std::to_string(acknowledged.size()) + "," +
                           std::to_string(static_cast<long>(acknowledged.size()) - kept) + "\n";
  if (const char* out = std::getenv("HA_BENCH_OUT")) {
    std::ofstream(out, std::ios::app) << line;
  } else {
    std::cout << line << std::flush;
  }
}

const std::vector<std::string> kNodes{"master", "replica1", "replica2"};

// Lets the writer reach a steady pace before the operation.
void warm_up() { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); }

}  // namespace

TEST_CASE("benchmark: write outage of a switchover", "[.][ha-bench]") {
  ClusterFixture cluster("benchsw");
  const std::string spec = replica_spec(cluster.name(), 2);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  for (int round = 1; round <= rounds(); ++round) {
    SteadyWriter writer(cluster, kNodes);
    warm_up();
    cluster.write_spec(spec + "primary: " + (round % 2 ? "replica1" : "master") + "\n");
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    warm_up();
    record("switchover", round, writer);
  }
}

TEST_CASE("benchmark: write outage of a failover under reconcile", "[.][ha-bench]") {
  ClusterFixture cluster("benchfo");
  cluster.write_spec(synchronous_replica_spec(cluster.name(), 2));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  for (int round = 1; round <= rounds(); ++round) {
    SteadyWriter writer(cluster, kNodes);
    BackgroundPgdecl reconcile(cluster.dir(), "reconcile -f spec.yaml --interval 1s");
    REQUIRE(reconcile.wait_for_output("\"event\":\"in_sync\"", std::chrono::seconds(60)));
    warm_up();
    REQUIRE(run_command("docker kill " + cluster.name() + "-master").exit_code == 0);
    // Back on the spec's primary (a failover, then a switchover back).
    REQUIRE(reconcile.wait_for_count("\"event\":\"in_sync\"", 2, std::chrono::seconds(120)));
    reconcile.signal(SIGTERM);
    reconcile.wait(std::chrono::seconds(60));
    record("failover", round, writer);
  }
}

// The primary's own step by a switchover and back (the default), or, as
// the baseline measured in the same run, by a restart in place.
const std::vector<std::pair<std::string, std::string>> kPrimaryUpdates{
    {"", ""}, {"_in_place", "ha:\n  primary_update: restart\n"}};

TEST_CASE("benchmark: write outage of a rolling image update", "[.][ha-bench]") {
  for (const auto& [suffix, ha] : kPrimaryUpdates) {
    ClusterFixture cluster("benchroll");
    const std::string spec = replica_spec(cluster.name(), 2) + ha;
    cluster.write_spec(spec);
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    const std::string tag = "pgdecl-" + cluster.name() + ":rolled";
    REQUIRE(run_command("docker tag postgres:15 " + tag).exit_code == 0);
    cluster.remove_image_at_end(tag);
    for (int round = 1; round <= rounds(); ++round) {
      SteadyWriter writer(cluster, kNodes);
      warm_up();
      std::string rolled = spec;
      if (round % 2) rolled.replace(rolled.find("tag: postgres:15"), 16, "tag: " + tag);
      cluster.write_spec(rolled);
      REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
      warm_up();
      record("rolling_image" + suffix, round, writer);
    }
  }
}

TEST_CASE("benchmark: write outage of a restart-only setting", "[.][ha-bench]") {
  for (const auto& [suffix, ha] : kPrimaryUpdates) {
    ClusterFixture cluster("benchrestart");
    cluster.write_spec(replica_spec(cluster.name(), 2) + ha);
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    for (int round = 1; round <= rounds(); ++round) {
      SteadyWriter writer(cluster, kNodes);
      warm_up();
      std::string spec = replica_spec(cluster.name(), 2) + ha;
      spec.replace(spec.find("max_connections: 50"), 19,
                   round % 2 ? "max_connections: 60" : "max_connections: 50");
      cluster.write_spec(spec);
      REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
      warm_up();
      record("restart_setting" + suffix, round, writer);
    }
  }
}

}  // namespace pgdecl::testing
