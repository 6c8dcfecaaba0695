#include "cluster/plan_rules/switchover_order.h"

#include "cluster/desired/desired.h"
#include "cluster/desired/primary_facts.h"
#include "engine/model/details.h"

namespace pgdecl::engine {

namespace {

// Everything else was planned with the old primary as the primary, which
// it no longer is once the failover is done: it waits for the next plan
// (apply makes that plan at once).
Status take_failover_alone(Plan& plan, PlannedChange& failover, const PrimaryFacts& facts,
                           const spec::ClusterSpec& spec, bool force) {
  const std::string target = failover.after->attributes.at(attr::kNode);
  if (target.empty()) {
    return Status::failed("the primary does not answer, and no replica answers to take over (" +
                          failover.address.to_string() + ")");
  }
  if (const std::string why = failover_refusal(facts, target, spec); !why.empty()) {
    if (!facts.writable_elsewhere.empty()) {
      return Status::failed("the failover (" + failover.address.to_string() + ") cannot go ahead: " + why);
    }
    if (!force) {
      return Status::failed("the failover to " + target + " (" + failover.address.to_string() +
                            ") cannot go ahead without --force: " + why);
    }
    failover.reasons.push_back("--force: " + why);
  }
  for (auto& other : plan.changes) {
    if (&other == &failover || !other.is_change()) continue;
    other.action = Action::kNoOp;
  }
  failover.reasons.push_back("every other change waits until the cluster is read again with " + target +
                             " as the primary");
  return Status::ok();
}

}  // namespace

Status order_switchover(Plan& plan, const spec::ClusterSpec& spec, bool force) {
  for (auto& change : plan.changes) {
    if (change.address.type != resource_type::kPrimary || change.action != Action::kUpdate) continue;
    const PrimaryFacts facts = change.before ? details_of<PrimaryFacts>(*change.before) : PrimaryFacts{};
    if (!facts.unasked.empty() && failover_due(facts, spec))
      return take_failover_alone(plan, change, facts, spec, force);
    const std::string target = change.after->attributes.at(attr::kNode);
    if (const std::string why = switchover_refusal(facts, spec.ha.max_lag_bytes); !why.empty()) {
      return Status::failed("the switchover to " + target + " (" + change.address.to_string() +
                            ") cannot go ahead: " + why);
    }
    auto& after = plan.order[change.address.to_string()];
    for (const auto& other : plan.changes) {
      if (other.is_change() && other.address != change.address) after.push_back(other.address.to_string());
    }
    if (after.empty()) plan.order.erase(change.address.to_string());
  }
  return Status::ok();
}

}  // namespace pgdecl::engine
