#pragma once

#include <vector>

#include "cluster/plan_rules/volume_removal.h"
#include "cluster/spec/model.h"
#include "engine/plan/plan_rule.h"

namespace pgdecl::engine {

// The rules every plan of a cluster follows, in the order the planner runs
// them: which data volumes go (decide_volume_removals, with --purge-volumes
// as `purge_volumes`), which replicas share one copy (batch_new_copies),
// in which order nodes restart (order_restarts), and that nodes go down
// one at a time, the master last (roll_over_nodes). `spec` must outlive
// the rules.
std::vector<PlanRule> cluster_plan_rules(const spec::ClusterSpec& spec, RecordedAttributes recorded,
                                         bool purge_volumes, bool force = false);

}  // namespace pgdecl::engine
