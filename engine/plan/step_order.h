#pragma once

#include <deque>
#include <string>
#include <vector>

#include "engine/core/status.h"
#include "engine/model/plan.h"
#include "engine/provider/provider.h"

namespace pgdecl::engine {

// The steps an apply of a plan takes, and which steps each one waits for.
// The planner checks this order for cycles and the applier walks it, so a
// plan that is shown is a plan that can be carried out.
struct StepOrder {
  std::vector<const PlannedChange*> changes;
  std::vector<std::vector<std::size_t>> prerequisites;  // indexes into changes
  std::deque<PlannedChange> gates;                      // the steps no plan holds
};

// The plan's changes, and the gates they pass, as steps. Points into `plan`.
StepOrder order_steps(const Plan& plan, const ProviderRegistry& providers);

// A step that waits, through others, for itself is an error naming them:
// "dependency cycle: a -> b -> a".
Status check_no_cycle(const StepOrder& steps);

// True when `address` is that of a gate (a node's connection).
bool is_gate_address(const std::string& address, const ProviderRegistry& providers);

}  // namespace pgdecl::engine
