#include "cluster/plan_rules/cluster_plan_rules.h"

#include "cluster/plan_rules/copy_batch.h"
#include "cluster/plan_rules/restart_order.h"
#include "cluster/plan_rules/rolling_order.h"
#include "cluster/plan_rules/switchover_order.h"

namespace pgdecl::engine {

std::vector<PlanRule> cluster_plan_rules(const spec::ClusterSpec& spec, RecordedAttributes recorded,
                                         bool purge_volumes, bool force) {
  return {
      {"deciding which data volumes go",
       [&spec, recorded = std::move(recorded), purge_volumes](Plan& plan) {
         // Saved with the plan, so applying it plans again the same way.
         plan.purge_volumes = purge_volumes;
         decide_volume_removals(plan, spec, recorded, purge_volumes);
         return Status::ok();
       }},
      {"batching the replicas' copies",
       [](Plan& plan) {
         batch_new_copies(plan);
         return Status::ok();
       }},
      {"ordering restarts",
       [&spec](Plan& plan) {
         order_restarts(plan, spec);
         return Status::ok();
       }},
      {"rolling over the nodes",
       [&spec](Plan& plan) {
         roll_over_nodes(plan, spec);
         return Status::ok();
       }},
      {"checking the switchover", [&spec, force](Plan& plan) { return order_switchover(plan, spec, force); }},
  };
}

}  // namespace pgdecl::engine
