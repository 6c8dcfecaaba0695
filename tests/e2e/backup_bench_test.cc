// The backup benchmark's RPO part (bench/backup.sh runs it; hidden from the
// test run): a client writes one row per statement, the primary is killed
// with docker kill, and a new cluster is restored from the archive's end.
// The acknowledged rows it lacks are the data lost, with the archiver
// synchronous and without. One CSV line per round, to BACKUP_BENCH_OUT (or
// stdout): mode,round,acknowledged,lost.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tests/e2e/backup_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

int rounds() {
  const char* text = std::getenv("ROUNDS");
  return text ? std::max(1, std::atoi(text)) : 5;
}

void record(const std::string& mode, int round, std::size_t acknowledged, long lost) {
  const std::string line = mode + "," + std::to_string(round) + "," + std::to_string(acknowledged) + "," +
                           std::to_string(lost) + "\n";
  if (const char* out = std::getenv("BACKUP_BENCH_OUT")) {
    std::ofstream(out, std::ios::app) << line;
  } else {
    std::cout << line << std::flush;
  }
}

void kill_and_restore(const std::string& mode, bool synchronous, int round) {
  ClusterFixture cluster("benchrpo" + std::string(synchronous ? "s" : "a"));
  cluster.write_spec(backup_spec(cluster.name(), synchronous));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.run("backup -f spec.yaml").exit_code == 0);
  SteadyWriter writer(cluster, {"master"});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  REQUIRE(run_command("docker kill " + cluster.name() + "-master").exit_code == 0);
  writer.stop();
  const auto acknowledged = writer.acknowledged();
  ClusterFixture restored("benchrpo", "-r");
  restored.write_spec(restore_spec(restored.name(), cluster.name() + "-backups", "end"));
  REQUIRE(restored.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto recovered = connect_node(restored, "master");
  REQUIRE(recovered);
  const long kept = SteadyWriter::kept(*recovered, acknowledged);
  record(mode, round, acknowledged.size(), static_cast<long>(acknowledged.size()) - kept);
}

}  // namespace

TEST_CASE("benchmark: rows lost when the primary is killed, recovered from the archive",
          "[.][backup-bench]") {
  for (int round = 1; round <= rounds(); ++round) {
    kill_and_restore("synchronous", true, round);
    kill_and_restore("asynchronous", false, round);
  }
}

}  // namespace pgdecl::testing
