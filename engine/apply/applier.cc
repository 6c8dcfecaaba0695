#include "engine/apply/applier.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "engine/core/fault_points.h"
#include "engine/graph/walker.h"

namespace pgdecl::engine {
namespace {

const char* verb(Action action) {
  switch (action) {
    case Action::kCreate:
      return "Creating";
    case Action::kUpdate:
      return "Modifying";
    case Action::kReplace:
      return "Replacing";
    case Action::kDelete:
      return "Destroying";
    case Action::kForget:
      return "Forgetting";
    case Action::kNoOp:
      break;
  }
  return "Checking";
}

struct Steps {
  std::vector<const PlannedChange*> changes;
  std::vector<std::vector<std::size_t>> prerequisites;
  std::deque<PlannedChange> gates;  // the steps no plan holds
};

bool is_gate(const std::string& address, const ProviderRegistry& providers) {
  auto parsed = Address::parse(address);
  auto* provider = parsed ? providers.find(parsed->type) : nullptr;
  return provider && provider->is_gate();
}

// The gates that a change depends on: each is passed once, before them.
// A destroy passes none: it may take down a node whose server is gone.
void add_gates(const Plan& plan, const ProviderRegistry& providers, Steps& steps,
               std::map<std::string, std::size_t>& index) {
  if (plan.destroy) return;
  std::set<std::string> needed;
  for (const auto* change : steps.changes) {
    if (change->action == Action::kForget) continue;
    auto found = plan.dependencies.find(change->address.to_string());
    if (found == plan.dependencies.end()) continue;
    for (const auto& dependency : found->second) {
      if (is_gate(dependency, providers)) needed.insert(dependency);
    }
  }
  for (const auto& gate : needed) {
    PlannedChange& step = steps.gates.emplace_back();
    step.address = *Address::parse(gate);
    index[gate] = steps.changes.size();
    steps.changes.push_back(&step);
  }
}

// A change waits for what it depends on, a drop too (it runs on that);
// a delete, a forget, or a replace of something whose dependent is going
// waits for that dependent instead, so nothing is removed from under a
// user.
Steps order_steps(const Plan& plan, const ProviderRegistry& providers) {
  Steps steps;
  std::map<std::string, std::size_t> index;
  for (const auto& change : plan.changes) {
    if (!change.is_change()) continue;
    index[change.address.to_string()] = steps.changes.size();
    steps.changes.push_back(&change);
  }
  add_gates(plan, providers, steps, index);
  steps.prerequisites.resize(steps.changes.size());
  for (const auto& [dependent, dependencies] : plan.dependencies) {
    auto d = index.find(dependent);
    for (const auto& dependency : dependencies) {
      auto u = index.find(dependency);
      if (d == index.end() || u == index.end()) continue;
      // A forget waits like a delete, so a delete further down the chain
      // still comes after the dependents above it are gone.
      const Action upstream = steps.changes[u->second]->action;
      const Action downstream = steps.changes[d->second]->action;
      const bool dependent_goes = downstream == Action::kDelete || downstream == Action::kForget;
      if (upstream == Action::kDelete || upstream == Action::kForget ||
          (upstream == Action::kReplace && dependent_goes)) {
        steps.prerequisites[u->second].push_back(d->second);
      } else {
        steps.prerequisites[d->second].push_back(u->second);
      }
    }
  }
  return steps;
}

std::string seconds_since(std::chrono::steady_clock::time_point start) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

}  // namespace

ApplyReport apply_plan(const Plan& plan, const ProviderRegistry& providers, StateRecorder& recorder,
                       const ApplyOptions& options) {
  Steps steps = order_steps(plan, providers);
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
        if (!is_gate(dependency, providers)) depends_on.push_back(dependency);
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
    say(address + ": " + verb(change.action) + "...");
    spdlog::trace("{}: {}", address, verb(change.action));
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
        if (!is_gate(address, providers)) ++report.done;
        break;
      case StepResult::Outcome::kFailed:
        report.failures.push_back(address + ": " + results[i].status.message());
        break;
      case StepResult::Outcome::kSkipped:
        report.skipped.push_back(address + " (not attempted: " +
                                 steps.changes[results[i].blocked_by]->address.to_string() + " failed)");
        break;
      case StepResult::Outcome::kNotRun:
        if (!is_gate(address, providers)) report.not_started.push_back(address);
        break;
    }
  }
  return report;
}

}  // namespace pgdecl::engine
