#include "cluster/plan_rules/volume_removal.h"

#include <algorithm>
#include <set>

#include "cluster/desired/desired.h"
#include "cluster/layout/naming.h"

namespace pgdecl::engine {
namespace {

constexpr const char* kKept =
    "volumes hold data and are kept; --purge-volumes (or prevent_destroy: false) removes them";

bool leaves(const PlannedChange& change) {
  return change.address.type == resource_type::kVolume && change.before && !change.after &&
         (change.action == Action::kDelete || change.action == Action::kForget);
}

std::string value_of(const Attributes* attributes, const char* name) {
  if (!attributes) return "";
  auto found = attributes->find(name);
  return found == attributes->end() ? "" : found->second;
}

// The spec's word while it names the volume (destroy), else the state's.
bool prevent_destroy(const PlannedChange& volume, const spec::ClusterSpec& spec) {
  auto declared = spec.volumes.find(volume.address.name);
  if (declared != spec.volumes.end()) return declared->second.prevent_destroy;
  return value_of(&volume.before->attributes, attr::kPreventDestroy) != "false";
}

// Why a volume whose data the user lets go must stay all the same; empty
// when nothing holds it. A container is judged by what Docker shows now
// and by what the state last saw, so a master container removed behind
// pgdecl's back still protects its data.
std::string holder(const PlannedChange& volume, const Plan& plan, const spec::ClusterSpec& spec,
                   const RecordedAttributes& recorded) {
  const std::string name = docker_name(spec.name, volume.address.name);
  for (const auto& change : plan.changes) {
    if (change.address.type != resource_type::kContainer) continue;
    const Attributes* live = change.before ? &change.before->attributes : nullptr;
    auto found = recorded.find(change.address.to_string());
    const Attributes* last = found == recorded.end() ? nullptr : &found->second;
    const bool mounts = value_of(live, attr::kVolume) == name;
    if (!mounts && value_of(last, attr::kVolume) != name) continue;
    const char* master = spec::role_name(spec::NodeRole::kMaster);
    if (spec.is_master(change.address.name) || value_of(live, attr::kRole) == master ||
        value_of(last, attr::kRole) == master) {
      return "it holds the master's data (" + change.address.to_string() + "): apply never removes it";
    }
    if (mounts && change.action != Action::kDelete) return change.address.to_string() + " still uses it";
  }
  return "";
}

std::string removal_reason(bool destroy, bool purge) {
  if (destroy) return purge ? "pgdecl destroy --purge-volumes removes it" : "its prevent_destroy is false";
  return purge ? "it is no longer in the spec, and --purge-volumes was given"
               : "it is no longer in the spec, and its prevent_destroy is false";
}

// A node's copy and config files live in its data directory: once the
// volume goes, their reasons must not promise that they stay.
void say_data_goes(Plan& plan, const Address& volume) {
  std::set<std::string> nodes;
  for (const auto& [dependent, dependencies] : plan.dependencies) {
    if (std::find(dependencies.begin(), dependencies.end(), volume.to_string()) == dependencies.end())
      continue;
    auto address = Address::parse(dependent);
    if (address && address->type == resource_type::kContainer) nodes.insert(address->name);
  }
  for (auto& change : plan.changes) {
    const std::string& type = change.address.type;
    const bool in_data_directory =
        type == resource_type::kReplica || type == resource_type::kHba || type == resource_type::kSettings;
    if (change.action == Action::kForget && in_data_directory && nodes.count(change.address.name)) {
      change.reasons = {"it lives in the node's data directory, which goes with " + volume.to_string()};
    }
  }
}

}  // namespace

void decide_volume_removals(Plan& plan, const spec::ClusterSpec& spec, const RecordedAttributes& recorded,
                            bool purge) {
  std::vector<Address> removed;
  for (auto& change : plan.changes) {
    if (!leaves(change)) continue;
    const bool data_may_go = purge || !prevent_destroy(change, spec);
    const std::string kept_by = data_may_go && !plan.destroy ? holder(change, plan, spec, recorded) : "";
    if (data_may_go && kept_by.empty()) {
      change.action = Action::kDelete;
      change.destroys_data = true;
      change.reasons = {removal_reason(plan.destroy, purge)};
      removed.push_back(change.address);
    } else {
      change.action = Action::kForget;
      change.destroys_data = false;
      change.reasons = {data_may_go ? kept_by : kKept};
    }
  }
  for (const auto& volume : removed) say_data_goes(plan, volume);
}

}  // namespace pgdecl::engine
