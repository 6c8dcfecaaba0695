#pragma once

#include <memory>

#include "engine/provider/provider.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// pg_role.<name> and pg_database.<name>, on the master.
std::unique_ptr<engine::ResourceProvider> make_role_provider(NodeContext& context);
std::unique_ptr<engine::ResourceProvider> make_database_provider(NodeContext& context);
// pg_slot.<replica>: the replica's physical slot on the master.
std::unique_ptr<engine::ResourceProvider> make_slot_provider(NodeContext& context);

}  // namespace pgdecl::pg
