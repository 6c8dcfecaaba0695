#include "cluster/plan_rules/rolling_order.h"

#include <algorithm>

namespace pgdecl::engine {
namespace {

PlannedChange* find(Plan& plan, const std::string& type, const std::string& name) {
  for (auto& change : plan.changes) {
    if (change.address.type == type && change.address.name == name) return &change;
  }
  return nullptr;
}

// The node's steps that take it down, if the plan has any: its container
// replaced, its settings restarting it, or both, one after the other (a new
// image and a setting read only at start are never one step: each is seen
// to work on its own). The next node waits for the last of them.
struct DownSteps {
  PlannedChange* first = nullptr;
  PlannedChange* last = nullptr;
  explicit operator bool() const { return first != nullptr; }
};

DownSteps takes_down(Plan& plan, const std::string& node) {
  DownSteps steps;
  PlannedChange* container = find(plan, resource_type::kContainer, node);
  if (container && container->action == Action::kReplace) steps.first = steps.last = container;
  PlannedChange* settings = find(plan, resource_type::kSettings, node);
  if (settings && settings->action == Action::kUpdate && settings->restart) {
    if (!steps.first) steps.first = settings;
    steps.last = settings;
  }
  return steps;
}

bool made_anew(Plan& plan, const std::string& replica) {
  const PlannedChange* copy = find(plan, resource_type::kReplica, replica);
  return copy && (copy->action == Action::kCreate || copy->action == Action::kReplace || copy->remakes_data);
}

void wait_for(Plan& plan, const PlannedChange& later, const PlannedChange& earlier) {
  auto& edges = plan.order[later.address.to_string()];
  const std::string address = earlier.address.to_string();
  if (std::find(edges.begin(), edges.end(), address) == edges.end()) edges.push_back(address);
}

// True when `change` already waits for `other` (order_restarts put the
// master first): the roll keeps that order.
bool waits_for(const Plan& plan, const PlannedChange& change, const PlannedChange& other) {
  auto edges = plan.order.find(change.address.to_string());
  if (edges == plan.order.end()) return false;
  return std::find(edges->second.begin(), edges->second.end(), other.address.to_string()) !=
         edges->second.end();
}

}  // namespace

void roll_over_nodes(Plan& plan, const spec::ClusterSpec& spec) {
  std::vector<DownSteps> replicas;
  for (const auto* replica : spec.replica_nodes()) {
    if (made_anew(plan, replica->name)) continue;
    if (DownSteps steps = takes_down(plan, replica->name)) replicas.push_back(steps);
  }
  const DownSteps master = takes_down(plan, spec.primary().name);
  if (replicas.size() + (master ? 1 : 0) < 2) return;
  for (std::size_t i = 1; i < replicas.size(); ++i) {
    wait_for(plan, *replicas[i].first, *replicas[i - 1].last);
    replicas[i].first->reasons.push_back("one replica at a time: it waits until " +
                                         replicas[i - 1].last->address.to_string() + " streams again");
  }
  if (!master || replicas.empty()) return;
  // The master first, as order_restarts decided; or last already.
  auto any_waits = [&](const DownSteps& later, const DownSteps& earlier) {
    for (const PlannedChange* a : {later.first, later.last}) {
      for (const PlannedChange* b : {earlier.first, earlier.last}) {
        if (waits_for(plan, *a, *b)) return true;
      }
    }
    return false;
  };
  if (any_waits(replicas.front(), master)) return;
  if (!any_waits(master, replicas.back())) {
    wait_for(plan, *master.first, *replicas.back().last);
    master.first->reasons.push_back("the master goes last, once every replica streams again");
  }
  if (spec.ha.primary_update == spec::PrimaryUpdate::kSwitchover) {
    master.first->reasons.push_back(
        "writes move to a streaming replica by a switchover first, and back after (ha.primary_update: "
        "switchover)");
  }
}

}  // namespace pgdecl::engine
