#pragma once

#include <optional>
#include <string>

#include "providers/docker/client.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/postgres/session/node_sessions.h"

namespace pgdecl::pg {

// The address to connect to for a published HostIp: a wildcard binding
// (0.0.0.0, or :: for IPv6) listens on every address of its family, and
// the loopback one of that family is the one surely ours; any other is
// used as published, so a node bound to ::1 is never looked for on
// 127.0.0.1, where another server may listen.
std::string reachable_host(const std::string& host_ip);

// Where a running container's 5432 is published now; nothing while it is
// not running or has no port yet.
std::optional<NodeAddress> published_address(const docker::ContainerInfo& container);

// Asks Docker (not the snapshot) for the node's container, and answers
// only for this cluster's own.
NodeSessions::AddressLookup published_address_lookup(docker::ClusterSnapshot& docker);

}  // namespace pgdecl::pg
