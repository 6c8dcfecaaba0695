#pragma once

#include <string>

#include "providers/postgres/resource_providers.h"

namespace pgdecl::pg {

// Copies the master's data into the replica's volume with pg_basebackup, in
// a one-shot container on the cluster's network that reaches the master by
// its alias. The replication password travels as a 0600 passfile copied in
// before the start and removed when the copy ends, however it ends. The
// replica's container, if it runs, is stopped first and started again
// after. `wipe`: what the volume holds goes first.
Status bootstrap_replica(NodeContext& context, const std::string& replica, bool wipe);

}  // namespace pgdecl::pg
