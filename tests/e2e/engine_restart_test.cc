// A host reboot, as far as Docker goes: the engine stops (and stops every
// container) and starts again. The cluster comes back by itself, with no
// pgdecl run: the master accepts connections and the replica streams.
//
// It restarts the engine every other test shares, so it is hidden ([.]),
// left out of the main e2e run and has a ctest entry of its own that runs
// after the others; by hand, run it holding the engine alone:
//   flock -x /tmp/pgdecl-engine.lock build/e2e_tests "[engine-restart]"
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::eventually;
using pgdecl::testing::replica_spec;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;

namespace {

constexpr const char* kDockerdPidFile = "/var/run/docker.pid";

bool engine_answers() { return run_command("docker info").exit_code == 0; }

void wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
}

// The engine must not inherit this process's descriptors: one of them is
// the lock that gives this test the engine alone (flock -x), which a
// dockerd holding it would keep from everyone else for good.
void close_descriptors_on_exec() {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename().string());
    if (fd > 2) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

// As scripts/setup.sh starts it: its own session, its log appended to.
void start_engine() {
  if (engine_answers()) return;
  close_descriptors_on_exec();
  run_command("setsid nohup dockerd >>/var/log/pgdecl-dockerd.log 2>&1 </dev/null &");
  wait_for(engine_answers, std::chrono::seconds(60));
}

// Stops the engine the way a shutdown does (SIGTERM: it stops every
// container first) and starts it again.
void restart_engine() {
  pid_t pid = 0;
  std::ifstream(kDockerdPidFile) >> pid;
  REQUIRE(pid > 0);
  REQUIRE(::kill(pid, SIGTERM) == 0);
  wait_for([pid] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(90));
  REQUIRE(::kill(pid, 0) != 0);
  start_engine();
  REQUIRE(engine_answers());
}

// However the test ends, the engine runs again for everyone else.
struct EngineRunning {
  ~EngineRunning() { start_engine(); }
};

std::string state_of(const std::string& container) {
  return run_command("docker inspect --format '{{.State.Status}}' " + container).out;
}

}  // namespace

TEST_CASE("after the Docker engine restarts, the cluster serves and streams again without pgdecl",
          "[.engine-restart][e2e][docker][postgres][replica]") {
  EngineRunning engine_running;
  ClusterFixture cluster("reboot");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  {
    auto master = connect_node(cluster, "master");
    REQUIRE(master->execute("create table kept as select g as v from generate_series(1, 1000) g"));
    auto replica = connect_node(cluster, "replica1");
    REQUIRE(eventually(*replica, "select count(*)::text from kept") == "1000");
  }

  restart_engine();

  for (const char* node : {"master", "replica1"}) {
    wait_for([&] { return state_of(cluster.name() + "-" + node) == "running\n"; }, std::chrono::seconds(60));
    CHECK(state_of(cluster.name() + "-" + node) == "running\n");
  }
  auto master = connect_node(cluster, "master");
  CHECK(scalar(*master, "select count(*)::text from kept") == "1000");
  std::string streaming;
  wait_for(
      [&] {
        streaming = scalar(*master,
                           "select coalesce(string_agg(r.application_name || ' ' || r.state || ' ' || "
                           "s.slot_name, ', '), '') from pg_stat_replication r join pg_replication_slots s "
                           "on s.active_pid = r.pid");
        return streaming == "replica1 streaming pgdecl_replica1";
      },
      std::chrono::seconds(60));
  CHECK(streaming == "replica1 streaming pgdecl_replica1");
  REQUIRE(master->execute("insert into kept values (1001)"));
  auto replica = connect_node(cluster, "replica1");
  CHECK(eventually(*replica, "select count(*)::text from kept where v = 1001") == "1");
}
