#pragma once

#include <memory>

#include "engine/provider/provider.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// pg_hba.<node> and pg_settings.<node>: the node's pg_hba.conf and
// pgdecl.conf, each checked by the server before it is in force.
std::unique_ptr<engine::ResourceProvider> make_hba_provider(NodeContext& context);
std::unique_ptr<engine::ResourceProvider> make_settings_provider(NodeContext& context);

}  // namespace pgdecl::pg
