#pragma once

#include <string>

#include "engine/core/result.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// Takes a stopped node's data back to the timeline of `source`, the
// primary, with pg_rewind run in a short-lived container on the node's
// volume (what the old primary wrote that the new one never received
// goes). Its standby.signal stays, whatever happens.
Status rewind_node(NodeContext& context, const std::string& node, const std::string& source);

}  // namespace pgdecl::pg
