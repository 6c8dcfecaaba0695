#pragma once

#include <optional>
#include <string>

#include "engine/core/result.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

// Who a server says it is: the cluster_name pgdecl gives each node in its
// pgdecl.conf, and the system identifier initdb gave its data.
struct NodeIdentity {
  std::string cluster_name;
  std::string system_identifier;
};

Result<NodeIdentity> read_node_identity(SqlSession& c);

// Whether the server at `address` is `node`: its cluster_name is the
// node's name (or empty, on a node started before pgdecl named its nodes),
// and its system identifier is the one the state recorded, when it
// recorded one. The error names both and what to do.
Status judge_node_identity(const std::string& node, const std::string& address, const NodeIdentity& seen,
                           const std::optional<std::string>& recorded_system_identifier);

}  // namespace pgdecl::pg
