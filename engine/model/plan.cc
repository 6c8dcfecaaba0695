#include "engine/model/plan.h"

namespace pgdecl::engine {

PlanSummary Plan::summary() const {
  PlanSummary s;
  for (const auto& c : changes) {
    switch (c.action) {
      case Action::kCreate:
        ++s.add;
        break;
      case Action::kUpdate:
        ++s.change;
        break;
      case Action::kReplace:
        ++s.add, ++s.destroy;
        break;
      case Action::kDelete:
        ++s.destroy;
        break;
      case Action::kForget:
        ++s.forget;
        break;
      case Action::kNoOp:
        break;
    }
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
