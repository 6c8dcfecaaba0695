#include "providers/postgres/node/published_address.h"

#include "engine/core/address.h"
#include "providers/docker/ownership.h"

namespace pgdecl::pg {

std::string reachable_host(const std::string& host_ip) {
  if (host_ip.empty() || host_ip == "0.0.0.0") return "127.0.0.1";
  if (host_ip == "::") return "::1";
  return host_ip;
}

std::optional<NodeAddress> published_address(const docker::ContainerInfo& container) {
  if (!container.running() || !container.published || container.published->host_port == 0)
    return std::nullopt;
  return NodeAddress{reachable_host(container.published->host_ip), container.published->host_port};
}

NodeSessions::AddressLookup published_address_lookup(docker::ClusterSnapshot& docker) {
  return [&docker](const std::string& node) -> std::optional<NodeAddress> {
    auto container = docker.client().inspect_container(docker.docker_name(node));
    if (!container || !container->has_value()) return std::nullopt;
    const auto owner = docker.owner_of(std::string(resource_type::kContainer) + "." + node);
    if (!docker::owned_by((*container)->labels, owner)) return std::nullopt;
    return published_address(**container);
  };
}

}  // namespace pgdecl::pg
