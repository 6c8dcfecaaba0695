#include "cluster/desired/desired.h"
#include "cluster/layout/naming.h"
#include "providers/docker/resource_providers.h"

namespace pgdecl::docker {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

class NetworkProvider : public engine::ResourceProvider {
 public:
  NetworkProvider(ClusterSnapshot& docker, const spec::ClusterSpec& spec) : docker_(docker), spec_(spec) {}

  std::string type() const override { return resource_type::kNetwork; }

  engine::AttributeSchema schema() const override {
    return {
        {engine::attr::kName,
         {engine::ChangeKind::kReplace, "the network's name changes: {before} -> {after}"}},
        {engine::attr::kSubnet, {engine::ChangeKind::kReplace, "the subnet changes: {before} -> {after}"}}};
  }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto network = docker_.network(address.name);
    if (!network) return network.status();
    if (!network->has_value()) return std::optional<LiveResource>();
    return std::optional<LiveResource>(to_live(**network));
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kDelete || change.action == engine::Action::kReplace) {
      if (auto s = remove(*change.before); !s) return {s, change.before};
      if (change.action == engine::Action::kDelete) return {Status::ok(), std::nullopt};
    }
    const auto& want = change.after->attributes;
    std::optional<std::string> subnet;
    if (want.at(engine::attr::kSubnet) != engine::kAnyValue) subnet = want.at(engine::attr::kSubnet);
    const std::string& name = want.at(engine::attr::kName);
    const Owner owner = docker_.owner_of(change.address.to_string());
    auto made = docker_.client().create_network(name, subnet, owner.labels());
    docker_.invalidate();
    if (!made) return {refusal_at_name(made.status(), name, owner), std::nullopt};
    // Read back by name: the network there must be the one just made.
    if (auto s = require_owned("network", made->name, made->labels, owner); !s) return {s, std::nullopt};
    return {Status::ok(), to_live(*made)};
  }

 private:
  static LiveResource to_live(const NetworkInfo& network) {
    return {network.id,
            {{engine::attr::kName, network.name}, {engine::attr::kSubnet, network.subnet.value_or("")}},
            {}};
  }

  // A network made at that name since the plan (Docker refuses a second
  // one): whose it is.
  Status refusal_at_name(const Status& failed, const std::string& name, const Owner& owner) {
    if (failed.code() != Status::Code::kConflict) return failed;
    auto there = docker_.client().inspect_network(name);
    if (!there || !there->has_value()) return failed;
    return not_ours("network", name, (*there)->labels, owner);
  }

  Status remove(const LiveResource& live) {
    auto s = docker_.client().remove_network(live.id);
    docker_.invalidate();
    if (s.code() == Status::Code::kNotFound) return Status::ok();
    return s;
  }

  ClusterSnapshot& docker_;
  const spec::ClusterSpec& spec_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_network_provider(ClusterSnapshot& docker,
                                                                const spec::ClusterSpec& spec) {
  return std::make_unique<NetworkProvider>(docker, spec);
}

}  // namespace pgdecl::docker
