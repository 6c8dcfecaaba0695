#include "cluster/desired/desired.h"
#include "cluster/layout/naming.h"
#include "providers/docker/resource_providers.h"

namespace pgdecl::docker {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

class VolumeProvider : public engine::ResourceProvider {
 public:
  VolumeProvider(ClusterSnapshot& docker, const spec::ClusterSpec& spec) : docker_(docker), spec_(spec) {}

  std::string type() const override { return resource_type::kVolume; }

  // Docker knows nothing of prevent_destroy: a volume is protected until
  // the state says otherwise.
  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto volume = docker_.volume(address.name);
    if (!volume) return volume.status();
    if (!volume->has_value()) return std::optional<LiveResource>();
    return std::optional<LiveResource>(to_live(**volume, "true"));
  }

  std::vector<std::string> recorded_attributes() const override { return {engine::attr::kPreventDestroy}; }

  // Data volumes outlive their containers: one that leaves is kept here,
  // and only engine::decide_volume_removals, which sees the whole plan,
  // lets its data go.
  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
    if (change.action == engine::Action::kReplace) {
      change.action = engine::Action::kCreate;  // a volume's only Docker attribute is its name
    }
    if (change.action != engine::Action::kDelete) return change;
    change.action = engine::Action::kForget;
    change.reasons = {"volumes hold data and are kept"};
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    const Owner owner = docker_.owner_of(change.address.to_string());
    if (change.action == engine::Action::kDelete) {
      // A volume is known by its name alone, which may be someone else's
      // by now: its labels are checked right before it goes.
      auto there = docker_.client().inspect_volume(change.before->id);
      if (!there) return {there.status(), change.before};
      if (!there->has_value()) return {Status::ok(), std::nullopt};
      if (auto s = require_owned("volume", (*there)->name, (*there)->labels, owner); !s)
        return {s, change.before};
      auto s = docker_.client().remove_volume(change.before->id);
      docker_.invalidate();
      if (!s && s.code() != Status::Code::kNotFound) return {s, change.before};
      return {Status::ok(), std::nullopt};
    }
    const auto& wanted = change.after->attributes;
    auto given = wanted.find(engine::attr::kPreventDestroy);  // absent from older plan files
    const std::string prevent_destroy = given == wanted.end() ? "true" : given->second;
    if (change.action == engine::Action::kUpdate) {
      // Only prevent_destroy differs, and it lives in the state alone.
      LiveResource live = *change.before;
      live.attributes[engine::attr::kPreventDestroy] = prevent_destroy;
      return {Status::ok(), live};
    }
    auto made = docker_.client().create_volume(wanted.at(engine::attr::kName), owner.labels());
    docker_.invalidate();
    if (!made) return {made.status(), std::nullopt};
    // Docker answers a create at a taken name with the volume already
    // there, labels and all: one made since the plan is refused here.
    if (auto s = require_owned("volume", made->name, made->labels, owner); !s) return {s, std::nullopt};
    return {Status::ok(), to_live(*made, prevent_destroy)};
  }

 private:
  static LiveResource to_live(const VolumeInfo& volume, const std::string& prevent_destroy) {
    return {volume.name,
            {{engine::attr::kName, volume.name}, {engine::attr::kPreventDestroy, prevent_destroy}},
            {}};
  }

  ClusterSnapshot& docker_;
  const spec::ClusterSpec& spec_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_volume_provider(ClusterSnapshot& docker,
                                                               const spec::ClusterSpec& spec) {
  return std::make_unique<VolumeProvider>(docker, spec);
}

}  // namespace pgdecl::docker
