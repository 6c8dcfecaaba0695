#pragma once

#include <functional>
#include <string>

#include "engine/core/status.h"
#include "engine/model/plan.h"

namespace pgdecl::engine {

// What a domain knows about its own plans beyond each resource's diff:
// which data volumes may go, which changes one piece of work carries out,
// in which order nodes restart. The planner runs the rules after the diff
// and before it checks the steps' order for cycles, so everything apply
// will do is in the plan, and a saved plan holds it.
struct PlanRule {
  std::string name;                     // for errors: "ordering restarts"
  std::function<Status(Plan&)> refine;  // adds reasons, actions, edges, batches
};

}  // namespace pgdecl::engine
