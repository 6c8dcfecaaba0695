#include "providers/postgres/catalog/named_object.h"

#include "cluster/desired/role_attributes.h"
#include "providers/postgres/node/node_probe.h"

namespace pgdecl::pg {

std::optional<engine::PlannedChange> plan_presence(const Address& address,
                                                   const engine::DesiredResource* desired,
                                                   const engine::LiveResource* live,
                                                   const PresenceReasons& reasons) {
  if (is_unknown(live)) return plan_unknown(address, desired, *live);
  const bool absent = desired && desired->attributes.at(engine::role_attr::kEnsure) == "absent";
  if (desired && !absent) return std::nullopt;
  engine::PlannedChange change;
  change.address = address;
  if (live) change.before = *live;
  if (desired) change.after = *desired;
  if (live) {
    change.action = absent ? engine::Action::kDelete : engine::Action::kForget;
    change.reasons.push_back(absent ? reasons.dropped : reasons.forgotten);
  }
  return change;
}

Status drop_object(SqlSession& c, const std::string& kind, const std::string& name,
                   std::optional<engine::LiveResource>& live) {
  if (!live) return Status::ok();
  if (auto s = c.execute("DROP " + kind + " " + c.escape_identifier(name)); !s) return s;
  live.reset();
  return Status::ok();
}

Status apply_named_object(SqlSession& c, const engine::PlannedChange& change, const NamedObjectSteps& steps,
                          std::optional<engine::LiveResource>& live) {
  auto current = steps.read(c);
  if (!current) return current.status();
  live = *current;
  if (change.action == engine::Action::kDelete || change.action == engine::Action::kReplace) {
    if (auto s = drop_object(c, steps.kind, change.address.name, live); !s) return s;
    if (change.action == engine::Action::kDelete) return Status::ok();
  }
  Status converged = steps.converge(c, live);
  auto after = steps.read(c);
  if (after) live = *after;
  return converged ? after.status() : converged;
}

}  // namespace pgdecl::pg
