// SIGINT and SIGTERM in the middle of an apply, as a user at the terminal
// or a CI job's timeout sends them: the step in flight finishes, no new
// one starts, the state and the lock are left sound, and the next apply
// finishes the work. A second signal stops at once.
#include <csignal>

#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/replica_fixture.h"
#include "tests/e2e/steady_writer.h"

namespace pgdecl::testing {
namespace {

// A start-only parameter: every node restarts, replicas first.
std::string with_shared_buffers(const std::string& spec) {
  std::string changed = spec;
  changed.replace(changed.find("work_mem: 8MB"), 13, "work_mem: 8MB\n    shared_buffers: 64MB");
  return changed;
}

// Whether the node's server takes a connection now, without waiting.
bool accepts_now(ClusterFixture& cluster, const std::string& node) {
  auto conn = pg::Connection::open({"127.0.0.1", node_port(cluster, node), "postgres", "postgres"},
                                   Secret(cluster.superuser_password()),
                                   {std::chrono::seconds(2), std::chrono::seconds(5)});
  INFO(node << ": " << conn.status().message());
  return conn.is_ok();
}

}  // namespace

TEST_CASE("SIGINT in a rolling restart finishes the restart in flight, starts no other, and exits 130",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("sigint");
  const std::string spec = replica_spec(cluster.name(), 2);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  SteadyWriter writer(cluster);

  cluster.write_spec(with_shared_buffers(spec));
  BackgroundPgdecl apply(cluster.dir(), "apply -f spec.yaml --auto-approve");
  REQUIRE(apply.wait_for_output(": Modifying...", std::chrono::seconds(60)));
  const std::string out_at_signal = apply.out();
  const std::string first = out_at_signal.substr(0, out_at_signal.find(": Modifying..."));
  const std::string in_flight = first.substr(first.rfind('\n') + 1);
  apply.signal(SIGINT);
  auto interrupted = apply.wait(std::chrono::seconds(120));
  INFO("interrupted apply:\n" << interrupted.out << interrupted.err);

  CHECK(interrupted.exit_code == 130);
  CHECK(contains(interrupted.err, "Interrupt received: no new step starts"));
  CHECK(contains(interrupted.out, in_flight + ": done after"));
  CHECK(contains(interrupted.err, "  not started: pg_settings."));
  CHECK(contains(interrupted.err, "run pgdecl apply again to finish"));
  // Nothing was left down: every node answers at once.
  for (const char* node : {"master", "replica1", "replica2"}) CHECK(accepts_now(cluster, node));

  // The lock is free and the state sound: the next apply finishes the work.
  auto finished = cluster.run("apply -f spec.yaml --auto-approve");
  CHECK(finished.exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  for (const char* node : {"master", "replica1", "replica2"}) {
    CHECK(scalar(*connect_node(cluster, node), "show shared_buffers") == "64MB");
  }

  writer.stop();
  const auto acknowledged = writer.acknowledged();
  INFO("longest write outage: " << writer.longest_outage().count() << " ms");
  REQUIRE(acknowledged.size() > 0);
  CHECK(SteadyWriter::kept(*cluster.connect(), acknowledged) == static_cast<long>(acknowledged.size()));
}

TEST_CASE("a second SIGINT stops pgdecl at once, and the state still reads", "[e2e][docker][postgres]") {
  ClusterFixture cluster("sigint2");
  const std::string spec = replica_spec(cluster.name(), 1);
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  cluster.write_spec(with_shared_buffers(spec));
  BackgroundPgdecl apply(cluster.dir(), "apply -f spec.yaml --auto-approve");
  REQUIRE(apply.wait_for_output(": Modifying...", std::chrono::seconds(60)));
  apply.signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto sent = std::chrono::steady_clock::now();
  apply.signal(SIGINT);
  auto stopped = apply.wait(std::chrono::seconds(30));
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 130);
  CHECK(std::chrono::steady_clock::now() - sent < std::chrono::seconds(5));
  CHECK(contains(stopped.err, "Two interrupts received: stopping at once."));
  CHECK(cluster.run("show -f spec.yaml").exit_code == 0);
  // Whatever was left half done, applying again puts right. Docker may
  // still be finishing a request of the run that was stopped (a container
  // stopping), which the first apply can meet half way; the second may not.
  auto again = cluster.run("apply -f spec.yaml --auto-approve");
  if (again.exit_code != 0) {
    WARN("the first apply after a hard stop failed:\n" << again.out << again.err);
    again = cluster.run("apply -f spec.yaml --auto-approve");
  }
  CHECK(again.exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("SIGINT in apply's last wait for the replicas ends it at once, every step recorded, and exits 130",
          "[e2e][docker][postgres][sigint-health]") {
  ClusterFixture cluster("sigintwait");
  // The master restarts in place, so the last wait is the one that hangs.
  const std::string spec = replica_spec(cluster.name(), 1) + "ha:\n  primary_update: restart\n";
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  // Every node restarts, replica1 first. Once its own restart is done, the
  // master's pg_hba.conf turns replication away: the stream in place goes
  // on, but after the master's restart replica1 cannot sign in again, and
  // the apply's last wait would last all of its --timeout.
  const std::chrono::seconds timeout(120);
  cluster.write_spec(with_shared_buffers(spec));
  BackgroundPgdecl apply(cluster.dir(), "apply -f spec.yaml --auto-approve --timeout 120s");
  REQUIRE(apply.wait_for_output("pg_settings.replica1: done after", std::chrono::seconds(60)));
  on_master(cluster, "sed -i \"1i host replication all all reject\" pg_hba.conf");
  const bool last_step_done =
      apply.wait_for_output("pg_settings.master: done after", std::chrono::seconds(60));
  INFO("apply so far:\n" << apply.out());
  REQUIRE(last_step_done);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // in the last wait now
  const auto sent = std::chrono::steady_clock::now();
  apply.signal(SIGINT);
  auto interrupted = apply.wait(timeout + std::chrono::seconds(30));
  const auto took = std::chrono::steady_clock::now() - sent;
  INFO("interrupted apply:\n" << interrupted.out << interrupted.err);
  INFO("exited " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                 << " ms after the signal");

  CHECK(interrupted.exit_code == 130);
  // Far sooner than the --timeout it would otherwise have waited out.
  CHECK(took < timeout / 2);
  CHECK(contains(interrupted.err,
                 "Interrupted: every step was applied and recorded, but the cluster's health was not "
                 "confirmed; pgdecl status shows it."));
  CHECK_FALSE(contains(interrupted.out, "Apply complete!"));
  // Every step was recorded: the plan has nothing left to change on the
  // master, whose restart was the last step.
  CHECK(scalar(*cluster.connect(), "show shared_buffers") == "64MB");
}

}  // namespace pgdecl::testing
