#include "cluster/plan_rules/copy_batch.h"

namespace pgdecl::engine {

void batch_new_copies(Plan& plan) {
  std::vector<std::string> copies;
  for (const auto& change : plan.changes) {
    // A copy into a volume that did not exist when the plan was made.
    if (change.address.type == resource_type::kReplica && change.action == Action::kCreate && !change.before)
      copies.push_back(change.address.to_string());
  }
  if (copies.size() >= 2) plan.batches.push_back(std::move(copies));
}

}  // namespace pgdecl::engine
