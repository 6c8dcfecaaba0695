#pragma once

#include <functional>
#include <optional>
#include <string>

#include "providers/docker/client.h"

namespace pgdecl::docker {

// Which pgdecl process made a helper container. plan, status and show take
// no lock and may run beside an apply, so a run removes only the leftovers
// of runs that are over, never a helper another run is using.
inline constexpr const char* kRunLabel = "pgdecl.run";

// A process, told apart from any later one with the same pid: its host,
// that host's boot, its pid and when it started (in clock ticks since boot).
struct RunId {
  std::string host;
  std::string boot_id;
  long pid = 0;
  std::string start_time;
};

// "host/boot_id/pid/start_time", the label's value; nullopt when the text is
// not one.
std::string run_label(const RunId& run);
std::optional<RunId> parse_run_label(const std::string& label);

// This process, read once.
const RunId& this_run();
// A short token of this process for the names of its helpers: several runs
// at once never reach one name.
const std::string& this_run_token();

// When the process with `pid` on this host started, or nullopt when there
// is none.
using StartTimeLookup = std::function<std::optional<std::string>(long pid)>;
std::optional<std::string> process_start_time(long pid);

// Whether the run a helper's labels name is over, seen from `here`: one on
// this host whose process is gone (or whose pid another process has now),
// or from an earlier boot. A helper without the label comes from a version
// that gave each replica one helper name, and whose every run removed what
// it found there: a leftover too. A run on another host (a Docker engine
// shared over TCP) cannot be checked, and is taken as alive.
bool run_is_over(const Labels& labels, const RunId& here, const StartTimeLookup& start_of);
bool run_is_over(const Labels& labels);

}  // namespace pgdecl::docker
