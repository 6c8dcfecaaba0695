#pragma once

#include <string>

#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// Ready means PostgreSQL accepts a connection on the published port, not
// merely that the container runs. A container that stops meanwhile ends
// the wait at once, with its last log lines as the reason.
Status wait_until_ready(NodeContext& context, const std::string& node, const std::string& container_id);

// Stops and starts the node's container (its start installs the staged
// config), then waits until it is ready.
Status restart_node(NodeContext& context, const std::string& node, const std::string& container_id);

// The id of the node's container, or an error when it is not there.
Result<std::string> node_container_id(NodeContext& context, const std::string& node);

}  // namespace pgdecl::pg
