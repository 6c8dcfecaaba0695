#pragma once

#include "providers/postgres/resource_providers.h"

namespace pgdecl::pg {

// Opens the connection of every node whose container runs, all at once:
// each costs a SCRAM exchange and a server process, and a refresh would
// otherwise wait for them one after another. A node that does not answer
// is left for its resources to report.
void open_node_connections(NodeContext& context);

}  // namespace pgdecl::pg
