#include "engine/resources/desired.h"
#include "engine/resources/naming.h"
#include "providers/docker/resource_providers.h"

namespace pgdecl::docker {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

class VolumeProvider : public engine::ResourceProvider {
 public:
  VolumeProvider(ClusterSnapshot& docker, const spec::ClusterSpec& spec, VolumeOptions options)
      : docker_(docker), spec_(spec), options_(options) {}

  std::string type() const override { return resource_type::kVolume; }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto volume = docker_.volume(engine::docker_name(spec_.name, address.name));
    if (!volume) return volume.status();
    if (!volume->has_value()) return std::optional<LiveResource>();
    return std::optional<LiveResource>(to_live(**volume));
  }

  // Data volumes outlive their containers: leaving the spec, or a destroy,
  // keeps them unless the user says otherwise.
  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
    if (change.action == engine::Action::kReplace) {
      change.action = engine::Action::kCreate;  // a volume's only attribute is its name
    }
    if (change.action != engine::Action::kDelete) return change;
    change.destroys_data = true;
    if (options_.purge || !prevent_destroy(address.name)) return change;
    change.action = engine::Action::kForget;
    change.reasons = {
        "volumes hold data and are kept; --purge-volumes (or prevent_destroy: false) removes them"};
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kDelete) {
      auto s = docker_.client().remove_volume(change.before->id);
      docker_.invalidate();
      if (!s && s.code() != Status::Code::kNotFound) return {s, change.before};
      return {Status::ok(), std::nullopt};
    }
    auto made = docker_.client().create_volume(change.after->attributes.at(engine::attr::kName),
                                               docker_.labels_for(change.address.to_string()));
    docker_.invalidate();
    if (!made) return {made.status(), std::nullopt};
    return {Status::ok(), to_live(*made)};
  }

 private:
  bool prevent_destroy(const std::string& name) const {
    auto found = spec_.volumes.find(name);
    return found == spec_.volumes.end() || found->second.prevent_destroy;
  }

  static LiveResource to_live(const VolumeInfo& volume) {
    return {volume.name, {{engine::attr::kName, volume.name}}, {}};
  }

  ClusterSnapshot& docker_;
  const spec::ClusterSpec& spec_;
  VolumeOptions options_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_volume_provider(ClusterSnapshot& docker,
                                                               const spec::ClusterSpec& spec,
                                                               VolumeOptions options) {
  return std::make_unique<VolumeProvider>(docker, spec, options);
}

}  // namespace pgdecl::docker
