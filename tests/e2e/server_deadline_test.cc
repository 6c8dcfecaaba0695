// A server that stops answering holds pgdecl up no longer than --timeout.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::CliResult;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;
using pgdecl::testing::write_spec_with_app_role;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string container_state(ClusterFixture& cluster) {
  return run_command("docker inspect -f '{{.State.Status}}' " + cluster.name() + "-master").out;
}

}  // namespace

TEST_CASE("a server that stops answering fails plan and status within --timeout, naming the node",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("frozen");
  write_spec_with_app_role(cluster, "app-secret");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  // Reading the role waits on this lock, as long as the test holds it.
  auto holder = cluster.connect();
  REQUIRE(holder->execute("BEGIN"));
  REQUIRE(holder->execute("LOCK TABLE pg_auth_members IN ACCESS EXCLUSIVE MODE"));

  SECTION("a statement that waits is ended by the server's statement_timeout") {
    const auto started = Clock::now();
    auto planned = cluster.run("plan -f spec.yaml --timeout 5s");
    CHECK(seconds_since(started) < 15);
    CHECK(planned.exit_code == 1);
    CHECK(contains(planned.err, "reading pg_role.app"));
    CHECK(contains(planned.err, "canceling statement due to statement timeout"));
  }

  SECTION("a server paused in the middle of a statement is given up by pgdecl itself") {
    const auto started = Clock::now();
    auto planning =
        std::async(std::launch::async, [&] { return cluster.run("plan -f spec.yaml --timeout 10s"); });
    // The plan now waits on the lock; the server then stops altogether, so
    // its own statement_timeout never fires.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    REQUIRE(run_command("docker pause " + cluster.name() + "-master").exit_code == 0);
    CliResult planned = planning.get();
    CHECK(seconds_since(started) < 20);
    CHECK(planned.exit_code == 1);
    CHECK(contains(planned.err,
                   "node master: the server did not answer within 10s (is it paused or frozen?) to: SELECT"));

    // Docker says it is paused: the plan says apply unpauses it, at once.
    const auto again = Clock::now();
    auto replanned = cluster.run("plan -f spec.yaml --timeout 10s");
    INFO(replanned.out << replanned.err);
    CHECK(seconds_since(again) < 10);
    CHECK(replanned.exit_code == 0);
    CHECK(contains(replanned.out, "the container is paused, not running"));
    auto status = cluster.run("status -f spec.yaml --timeout 10s");
    CHECK(status.exit_code == 3);
    CHECK(container_state(cluster) == "paused\n");
    REQUIRE(run_command("docker unpause " + cluster.name() + "-master").exit_code == 0);
  }

  SECTION("a server stopped where Docker cannot see it fails plan and status within --timeout") {
    // The postmaster is the container's first process: only a signal from
    // outside its namespace reaches it.
    auto signal = [&](const std::string& which) {
      return run_command("kill -" + which + " $(docker inspect -f '{{.State.Pid}}' " + cluster.name() +
                         "-master)")
          .exit_code;
    };
    REQUIRE(signal("STOP") == 0);
    const std::string no_answer =
        "node master: the server at 127.0.0.1:" + std::to_string(cluster.published_port()) +
        " took the connection but did not answer it within 10s";
    const auto started = Clock::now();
    auto planned = cluster.run("plan -f spec.yaml --timeout 10s");
    CHECK(seconds_since(started) < 20);
    CHECK(planned.exit_code == 1);
    INFO(planned.err);
    CHECK(contains(planned.err, no_answer));
    const auto asked = Clock::now();
    auto status = cluster.run("status -f spec.yaml --timeout 10s");
    CHECK(seconds_since(asked) < 20);
    INFO(status.out);
    CHECK(status.exit_code == 3);
    CHECK(contains(status.out, "did not answer it within 10s"));
    CHECK(container_state(cluster) == "running\n");
    REQUIRE(signal("CONT") == 0);
  }
  holder->execute("ROLLBACK");
  holder.reset();
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode --timeout 10s").exit_code == 0);
}
