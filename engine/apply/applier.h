#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/plan.h"
#include "engine/provider/provider.h"

namespace pgdecl::engine {

// Where the applier writes down each completed step (the state file, in the
// real program). Called from several threads, one call at a time.
class StateRecorder {
 public:
  virtual ~StateRecorder() = default;
  // live == nullopt: the resource is gone (or no longer managed).
  virtual Status record(const Address& address, const std::optional<LiveResource>& live,
                        const std::vector<std::string>& depends_on) = 0;
};

struct ApplyOptions {
  int parallelism = 4;
  std::function<void(const std::string&)> progress;  // one line per event
  // Asked before each step starts; true: start no more (an interrupt).
  std::function<bool()> stop_requested;
};

struct ApplyReport {
  int done = 0;
  std::vector<std::string> failures;     // "address: reason"
  std::vector<std::string> skipped;      // "address (after a failure of X)"
  std::vector<std::string> not_started;  // addresses left when the run was stopped
  bool ok() const { return failures.empty() && not_started.empty(); }
  bool interrupted() const { return !not_started.empty(); }
};

// Carries out the plan's changes along the graph: creates and updates after
// what they depend on, deletes before it; independent steps in parallel.
// Every completed step is recorded before its dependents start.
ApplyReport apply_plan(const Plan& plan, const ProviderRegistry& providers, StateRecorder& recorder,
                       const ApplyOptions& options);

}  // namespace pgdecl::engine
