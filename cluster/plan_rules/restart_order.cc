#include "cluster/plan_rules/restart_order.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace pgdecl::engine {
namespace {

constexpr std::array<std::string_view, 5> kStandbyMinimums = {"max_connections", "max_worker_processes",
                                                              "max_wal_senders", "max_prepared_transactions",
                                                              "max_locks_per_transaction"};

std::optional<long long> number(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    std::size_t used = 0;
    long long value = std::stoll(*text, &used);
    if (used == text->size()) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

const PlannedChange* find(const Plan& plan, const std::string& type, const std::string& name) {
  for (const auto& change : plan.changes) {
    if (change.address.type == type && change.address.name == name) return &change;
  }
  return nullptr;
}

bool unchanged(const Plan& plan, const std::string& type, const std::string& name) {
  const PlannedChange* change = find(plan, type, name);
  return !change || !change->is_change();
}

}  // namespace

bool lowers_standby_minimum(const PlannedChange& master_settings) {
  for (const auto& attribute : master_settings.changes) {
    if (std::find(kStandbyMinimums.begin(), kStandbyMinimums.end(), attribute.name) == kStandbyMinimums.end())
      continue;
    auto before = number(attribute.before), after = number(attribute.after);
    if (before && after && *after < *before) return true;
    // Going to a value not known here, which may be lower. A standby that
    // restarts below its master does not start; one above it only waits
    // for its own restart, which follows.
    if (before && !attribute.after) return true;
  }
  return false;
}

void order_restarts(Plan& plan, const spec::ClusterSpec& spec) {
  const PlannedChange* master = find(plan, resource_type::kSettings, spec.primary().name);
  if (!master || !master->restart) return;
  const bool master_first = lowers_standby_minimum(*master);
  const std::string master_address = master->address.to_string();
  std::vector<std::string> replicas;
  for (const auto* replica : spec.replica_nodes()) {
    const PlannedChange* settings = find(plan, resource_type::kSettings, replica->name);
    if (!settings || !settings->restart) continue;
    if (!unchanged(plan, resource_type::kContainer, replica->name) ||
        !unchanged(plan, resource_type::kReplica, replica->name))
      continue;
    replicas.push_back(settings->address.to_string());
  }
  if (replicas.empty()) return;
  for (const auto& replica : replicas) {
    if (master_first) {
      plan.order[replica].push_back(master_address);
    } else {
      plan.order[master_address].push_back(replica);
    }
  }
  for (auto& change : plan.changes) {
    if (change.address.to_string() != master_address) continue;
    change.reasons.push_back(master_first
                                 ? "the master restarts before its replicas: a value a standby needs at "
                                   "least as high goes down"
                                 : "the replicas restart first, so no standby runs below its master");
  }
}

}  // namespace pgdecl::engine
