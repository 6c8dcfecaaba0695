#include "engine/apply/applier.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "engine/core/fault_points.h"
#include "engine/graph/walker.h"
#include "engine/plan/step_order.h"

namespace pgdecl::engine {
namespace {

std::string seconds_since(std::chrono::steady_clock::time_point start) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

}  // namespace

ApplyReport apply_plan(const Plan& plan, const ProviderRegistry& providers, StateRecorder& recorder,
                       const ApplyOptions& options) {
  StepOrder steps = order_steps(plan, providers);
  providers.for_each([&](ResourceProvider& provider) { provider.begin_apply(plan); });
  std::mutex record_mutex;
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  auto run_step = [&](std::size_t i) -> Status {
    const PlannedChange& change = *steps.changes[i];
    const std::string address = change.address.to_string();
    // The state records resources and their edges; a gate is neither.
    std::vector<std::string> depends_on;
    if (auto deps_it = plan.dependencies.find(address); deps_it != plan.dependencies.end()) {
      for (const auto& dependency : deps_it->second) {
        if (!is_gate_address(dependency, providers)) depends_on.push_back(dependency);
      }
    }
    auto start = std::chrono::steady_clock::now();
    auto* provider = providers.find(change.address.type);
    if (provider && provider->is_gate()) {
      spdlog::trace("{}: waiting", address);
      Status passed = provider->apply(change).status;
      spdlog::debug("{}: {} after {}", address, passed ? "ready" : "not ready", seconds_since(start));
      return passed;
    }
    step_boundary(address + " starts");
    say(address + ": " + words_of(change.action).progress + "...");
    spdlog::trace("{}: {}", address, words_of(change.action).progress);
    ApplyOutcome outcome;
    if (change.action == Action::kForget) {
      outcome.live = std::nullopt;
    } else {
      outcome = provider->apply(change);
    }
    {
      std::lock_guard lock(record_mutex);
      Status recorded = recorder.record(change.address, outcome.live, depends_on);
      if (!recorded) return recorded.with_context("recording " + address + " in the state");
    }
    spdlog::trace("{}: recorded after {}", address, seconds_since(start));
    step_boundary(address + " recorded");
    if (!outcome.status) return outcome.status;
    say(address + ": done after " + seconds_since(start));
    return Status::ok();
  };

  auto results =
      walk(steps.changes.size(), steps.prerequisites, options.parallelism, run_step, options.stop_requested);
  ApplyReport report;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::string address = steps.changes[i]->address.to_string();
    switch (results[i].outcome) {
      case StepResult::Outcome::kDone:
        if (!is_gate_address(address, providers)) ++report.done;
        break;
      case StepResult::Outcome::kFailed:
        report.failures.push_back(address + ": " + results[i].status.message());
        break;
      case StepResult::Outcome::kSkipped:
        report.skipped.push_back(address + " (not attempted: " +
                                 steps.changes[results[i].blocked_by]->address.to_string() + " failed)");
        break;
      case StepResult::Outcome::kNotRun:
        if (!is_gate_address(address, providers)) report.not_started.push_back(address);
        break;
    }
  }
  return report;
}

}  // namespace pgdecl::engine
