#include "engine/plan/step_order.h"

#include <map>
#include <set>

#include "engine/graph/resource_graph.h"

namespace pgdecl::engine {
namespace {

// The gates that a change depends on: each is passed once, before them.
// A destroy passes none: it may take down a node whose server is gone.
void add_gates(const Plan& plan, const ProviderRegistry& providers, StepOrder& steps,
               std::map<std::string, std::size_t>& index) {
  if (plan.destroy) return;
  std::set<std::string> needed;
  for (const auto* change : steps.changes) {
    if (change->action == Action::kForget) continue;
    auto found = plan.dependencies.find(change->address.to_string());
    if (found == plan.dependencies.end()) continue;
    for (const auto& dependency : found->second) {
      if (is_gate_address(dependency, providers)) needed.insert(dependency);
    }
  }
  for (const auto& gate : needed) {
    PlannedChange& step = steps.gates.emplace_back();
    step.address = *Address::parse(gate);
    index[gate] = steps.changes.size();
    steps.changes.push_back(&step);
  }
}

}  // namespace

bool is_gate_address(const std::string& address, const ProviderRegistry& providers) {
  auto parsed = Address::parse(address);
  auto* provider = parsed ? providers.find(parsed->type) : nullptr;
  return provider && provider->is_gate();
}

// A change waits for what it depends on, a drop too (it runs on that);
// a delete, a forget, or a replace of something whose dependent is going
// waits for that dependent instead, so nothing is removed from under a
// user.
StepOrder order_steps(const Plan& plan, const ProviderRegistry& providers) {
  StepOrder steps;
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
  for (const auto& [later, earlier_ones] : plan.order) {
    auto l = index.find(later);
    for (const auto& earlier : earlier_ones) {
      auto e = index.find(earlier);
      if (l != index.end() && e != index.end()) steps.prerequisites[l->second].push_back(e->second);
    }
  }
  return steps;
}

Status check_no_cycle(const StepOrder& steps) {
  ResourceGraph graph;
  for (const auto* change : steps.changes) graph.add(change->address);
  for (std::size_t step = 0; step < steps.changes.size(); ++step) {
    for (auto prerequisite : steps.prerequisites[step])
      graph.add_dependency(steps.changes[step]->address, steps.changes[prerequisite]->address);
  }
  auto order = graph.topological_order();
  return order ? Status::ok() : order.status();
}

}  // namespace pgdecl::engine
