#include "providers/postgres/node/client_uris.h"

#include "providers/postgres/node/published_address.h"

namespace pgdecl::pg {
namespace {

// host:port, an IPv6 address in brackets as URIs want it.
std::string host_and_port(const NodeAddress& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::string uri(const std::vector<const ClientEndpoint*>& hosts, const std::string& database,
                const char* target_session_attrs) {
  std::string text = "postgresql://";
  for (std::size_t i = 0; i < hosts.size(); ++i) text += (i ? "," : "") + host_and_port(hosts[i]->address);
  return text + "/" + database + "?target_session_attrs=" + target_session_attrs;
}

}  // namespace

Result<std::vector<ClientEndpoint>> client_endpoints(docker::ClusterSnapshot& docker,
                                                     const spec::ClusterSpec& spec) {
  std::vector<ClientEndpoint> endpoints;
  for (const auto* node : spec.nodes()) {
    auto container = docker.container(node->name);
    if (!container) return container.status();
    std::optional<NodeAddress> address;
    if (container->has_value()) address = published_address(**container);
    if (!address && node->publish.port != 0)
      address = NodeAddress{reachable_host(node->publish.host_ip), node->publish.port};
    if (address) endpoints.push_back({node->name, node->role, *address});
  }
  return endpoints;
}

ClientUris client_uris(const std::vector<ClientEndpoint>& endpoints, const std::string& database) {
  std::vector<const ClientEndpoint*> master_first, replicas_first;
  for (const auto& endpoint : endpoints) {
    (endpoint.role == spec::NodeRole::kMaster ? master_first : replicas_first).push_back(&endpoint);
  }
  for (const auto& endpoint : endpoints) {
    (endpoint.role == spec::NodeRole::kMaster ? replicas_first : master_first).push_back(&endpoint);
  }
  // libpq tries the hosts in order: read-write skips a standby (and a
  // primary that is down) until it finds the primary; prefer-standby takes
  // the primary only when no standby answers.
  return {uri(master_first, database, "read-write"), uri(replicas_first, database, "prefer-standby")};
}

}  // namespace pgdecl::pg
