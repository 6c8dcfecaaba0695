// Which helper containers are leftovers of runs that are over: a plan
// beside an apply must not take the apply's helper for one.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "providers/docker/run_identity.h"

namespace pgdecl::docker {
namespace {

const RunId kHere{"host-a", "boot-1", 0, ""};

Labels made_by(const RunId& run) { return {{kRunLabel, run_label(run)}}; }

// Processes of this host by pid, as /proc would say.
StartTimeLookup processes(std::map<long, std::string> running) {
  return [running](long pid) -> std::optional<std::string> {
    auto found = running.find(pid);
    if (found == running.end()) return std::nullopt;
    return found->second;
  };
}

TEST_CASE("a helper of a process still running is not a leftover", "[run-identity]") {
  CHECK_FALSE(run_is_over(made_by({"host-a", "boot-1", 42, "1000"}), kHere, processes({{42, "1000"}})));
}

TEST_CASE("a helper of a process that is gone, or whose pid another has now, is a leftover",
          "[run-identity]") {
  CHECK(run_is_over(made_by({"host-a", "boot-1", 42, "1000"}), kHere, processes({})));
  CHECK(run_is_over(made_by({"host-a", "boot-1", 42, "1000"}), kHere, processes({{42, "2000"}})));
}

TEST_CASE("a helper of an earlier boot is a leftover; one of another host is left alone", "[run-identity]") {
  CHECK(run_is_over(made_by({"host-a", "boot-0", 42, "1000"}), kHere, processes({{42, "1000"}})));
  CHECK_FALSE(run_is_over(made_by({"host-b", "boot-9", 42, "1000"}), kHere, processes({})));
}

TEST_CASE("a helper without a run, or with one that does not read, is a leftover", "[run-identity]") {
  CHECK(run_is_over({}, kHere, processes({{42, "1000"}})));
  CHECK(run_is_over({{kRunLabel, "host-a/boot-1/x/1000"}}, kHere, processes({{42, "1000"}})));
}

TEST_CASE("this process is a run that is not over, on its own host and boot", "[run-identity]") {
  const RunId& me = this_run();
  CHECK(me.pid == static_cast<long>(::getpid()));
  CHECK_FALSE(me.start_time.empty());
  CHECK(parse_run_label(run_label(me))->start_time == me.start_time);
  CHECK_FALSE(run_is_over(made_by(me)));
}

}  // namespace
}  // namespace pgdecl::docker
