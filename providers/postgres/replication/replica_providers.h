#pragma once

#include <memory>

#include "engine/provider/provider.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// pg_replica.<replica>: the replica's data, copied from the master by
// pg_basebackup, and whose cluster it belongs to.
std::unique_ptr<engine::ResourceProvider> make_replica_provider(NodeContext& context);

// pg_primary.<cluster>: which node takes writes; its change is a switchover.
std::unique_ptr<engine::ResourceProvider> make_primary_provider(NodeContext& context);

}  // namespace pgdecl::pg
