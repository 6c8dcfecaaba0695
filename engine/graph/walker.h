#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/status.h"

namespace pgdecl::engine {

struct StepResult {
  enum class Outcome { kNotRun, kDone, kFailed, kSkipped };
  Outcome outcome = Outcome::kNotRun;
  Status status;           // the failure, for kFailed
  std::size_t blocked_by;  // the failed step, for kSkipped
};

// Runs steps 0..n-1, each after all of its prerequisites succeeded, up to
// `parallelism` at a time. When a step fails, the steps that need it
// (directly or not) are skipped and everything independent still runs, as
// in Terraform's walker. Once `stop_requested` says so (an interrupt), no
// new step starts: the steps in flight finish, the rest stay kNotRun. A
// step that throws fails with the exception's message; it never ends the
// process.
std::vector<StepResult> walk(std::size_t step_count,
                             const std::vector<std::vector<std::size_t>>& prerequisites, int parallelism,
                             const std::function<Status(std::size_t)>& run_step,
                             const std::function<bool()>& stop_requested = {});

}  // namespace pgdecl::engine
