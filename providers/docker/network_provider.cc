#include "engine/resources/desired.h"
#include "engine/resources/naming.h"
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
    auto network = docker_.network(engine::docker_name(spec_.name, address.name));
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
    auto made = docker_.client().create_network(want.at(engine::attr::kName), subnet,
                                                docker_.labels_for(change.address.to_string()));
    docker_.invalidate();
    if (!made) return {made.status(), std::nullopt};
    return {Status::ok(), to_live(*made)};
  }

 private:
  static LiveResource to_live(const NetworkInfo& network) {
    return {network.id,
            {{engine::attr::kName, network.name}, {engine::attr::kSubnet, network.subnet.value_or("")}},
            {}};
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
