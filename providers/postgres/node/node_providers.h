#pragma once

#include <memory>

#include "engine/provider/provider.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// docker_container.<node>: a PostgreSQL server in a container, started
// without any image entrypoint, initialised once, reported ready only when
// it accepts connections.
std::unique_ptr<engine::ResourceProvider> make_node_container_provider(NodeContext& context);
// pg_connection.<node>: not a resource but a gate (ResourceProvider::is_gate)
// that what runs on a node passes once its server accepts connections.
std::unique_ptr<engine::ResourceProvider> make_connection_gate(NodeContext& context);

}  // namespace pgdecl::pg
