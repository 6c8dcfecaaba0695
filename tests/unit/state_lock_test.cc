#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "state/lock.h"
#include "tests/unit/state_test_support.h"

namespace pgdecl::state {
namespace {

using testing::mode_of;
using testing::read_text;
using testing::TempDir;

std::string this_host() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

// flock locks belong to the open file description, so a second acquire in
// the same process (on its own descriptor) meets the first one.
TEST_CASE("a held state lock refuses a second run, saying who holds it", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  auto first = StateLock::acquire(file);
  REQUIRE(first.status().to_string() == "OK");

  auto second = StateLock::acquire(file);
  REQUIRE_FALSE(second);
  CHECK(second.status().code() == Status::Code::kConflict);
  const std::string& message = second.status().message();
  CHECK(message.rfind("state " + file.string() + " is locked by pid " + std::to_string(::getpid()) +
                          " on host " + this_host() + " since 20",
                      0) == 0);
  CHECK(message.find("Z (another pgdecl run?)") != std::string::npos);
}

TEST_CASE("a state lock waits up to --lock-timeout for its holder to let go", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  auto first = StateLock::acquire(file);
  REQUIRE(first);

  const auto start = std::chrono::steady_clock::now();
  auto refused = StateLock::acquire(file, std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(refused);
  CHECK(waited >= std::chrono::milliseconds(300));
  CHECK(refused.status().message().find("(another pgdecl run?) (waited 300 ms)") != std::string::npos);

  std::thread letting_go([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    first->reset();
  });
  auto second = StateLock::acquire(file, std::chrono::seconds(5));
  letting_go.join();
  CHECK(second.status().to_string() == "OK");
}

TEST_CASE("a state lock is released when its holder is destroyed", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  auto first = StateLock::acquire(file);
  REQUIRE(first);
  first->reset();

  auto again = StateLock::acquire(file);
  CHECK(again.status().to_string() == "OK");
  auto lock_file = temp.dir() / "pgcluster.state.json.lock";
  CHECK(std::filesystem::exists(lock_file));
  CHECK(mode_of(lock_file) == 0600);
  CHECK(read_text(lock_file).find("\"pid\":" + std::to_string(::getpid())) != std::string::npos);
}

TEST_CASE("a lock held by another process conflicts, and its exit releases it", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  int ready[2];
  int finish[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(finish) == 0);

  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No Catch2 in the child: report through the pipe, then exit without
    // destructors, as a crashed run would. Closing our copy of the write end
    // lets the read below end if the parent dies first.
    ::close(finish[1]);
    auto lock = StateLock::acquire(file);
    char outcome = lock ? 'y' : 'n';
    (void)!::write(ready[1], &outcome, 1);
    char go;
    (void)!::read(finish[0], &go, 1);
    ::_exit(0);
  }
  char outcome = 0;
  REQUIRE(::read(ready[0], &outcome, 1) == 1);
  REQUIRE(outcome == 'y');

  auto blocked = StateLock::acquire(file);
  CHECK_FALSE(blocked);
  CHECK(blocked.status().message().find("locked by pid " + std::to_string(child) + " on host " +
                                        this_host()) != std::string::npos);

  REQUIRE(::write(finish[1], "x", 1) == 1);
  int exit_status = 0;
  REQUIRE(::waitpid(child, &exit_status, 0) == child);
  for (int fd : {ready[0], ready[1], finish[0], finish[1]}) ::close(fd);

  auto after = StateLock::acquire(file);
  CHECK(after.status().to_string() == "OK");
}

}  // namespace
}  // namespace pgdecl::state
