#pragma once

#include <string>
#include <vector>

#include "cluster/spec/model.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/postgres/session/node_sessions.h"

namespace pgdecl::pg {

// Where a client on the host reaches one node now.
struct ClientEndpoint {
  std::string node;
  spec::NodeRole role;
  NodeAddress address;
};

// Every node a client can reach now, the master first: where Docker
// publishes it while it runs, else the fixed port the spec gives it (a
// client tries it, and goes on to the next host while it is down). A node
// on a port Docker picks and not running has no address and is left out.
Result<std::vector<ClientEndpoint>> client_endpoints(docker::ClusterSnapshot& docker,
                                                     const spec::ClusterSpec& spec);

// The URIs a client connects with, over every node (libpq's multi-host
// form, which every libpq-based driver reads): the read-write one finds
// whichever node takes writes, wherever the primary is; the read-only one
// tries the replicas first. No user and no password: those are the
// client's own.
struct ClientUris {
  std::string read_write;
  std::string read_only;
};
ClientUris client_uris(const std::vector<ClientEndpoint>& endpoints, const std::string& database);

}  // namespace pgdecl::pg
