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

// The node's step that takes it down, if the plan has one: a container
// replaced, or else its settings restarting it.
PlannedChange* takes_down(Plan& plan, const std::string& node) {
  PlannedChange* container = find(plan, resource_type::kContainer, node);
  if (container && container->action == Action::kReplace) return container;
  PlannedChange* settings = find(plan, resource_type::kSettings, node);
  if (settings && settings->action == Action::kUpdate && settings->restart) return settings;
  return nullptr;
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
  std::vector<PlannedChange*> replicas;
  for (const auto* replica : spec.replica_nodes()) {
    if (made_anew(plan, replica->name)) continue;
    if (PlannedChange* step = takes_down(plan, replica->name)) replicas.push_back(step);
  }
  PlannedChange* master = takes_down(plan, spec.primary().name);
  if (replicas.size() + (master ? 1 : 0) < 2) return;
  for (std::size_t i = 1; i < replicas.size(); ++i) {
    wait_for(plan, *replicas[i], *replicas[i - 1]);
    replicas[i]->reasons.push_back("one replica at a time: it waits until " +
                                   replicas[i - 1]->address.to_string() + " streams again");
  }
  if (!master || replicas.empty()) return;
  // The master first, as order_restarts decided; or last already.
  if (waits_for(plan, *replicas.front(), *master) || waits_for(plan, *master, *replicas.back())) return;
  wait_for(plan, *master, *replicas.back());
  master->reasons.push_back("the master goes last, once every replica streams again");
}

}  // namespace pgdecl::engine
