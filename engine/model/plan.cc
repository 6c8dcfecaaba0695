#include "engine/model/plan.h"

namespace pgdecl::engine {

PlanSummary Plan::summary() const {
  PlanSummary s;
  for (const auto& c : changes) {
    // A replacement counts as one made and one destroyed, as Terraform counts it.
    s.add += c.action == Action::kCreate || c.action == Action::kReplace;
    s.change += c.action == Action::kUpdate;
    s.destroy += c.action == Action::kDelete || c.action == Action::kReplace;
    s.forget += c.action == Action::kForget;
  }
  return s;
}

bool Plan::has_changes() const {
  for (const auto& c : changes) {
    if (c.is_change()) return true;
  }
  return false;
}

}  // namespace pgdecl::engine
