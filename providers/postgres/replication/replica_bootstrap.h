#pragma once

#include <string>
#include <vector>

#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// Copies the master's data into the replica's volume with pg_basebackup, in
// a one-shot container in the master's network namespace that reaches the
// master by its alias. The replication password travels as a 0600 passfile
// copied in before the start and removed when the copy ends, however it
// ends. `wipe`: what the volume holds goes first, and a server running on
// it is stopped first and started again after. Without `wipe` the volume is
// new: its container, if any, only waits for the copy, and is woken once
// the copy is made. `sharing`: replicas with new, empty volumes that get a
// clone of the same copy (their slots exist already), woken with it.
Status bootstrap_replica(NodeContext& context, const std::string& replica, bool wipe,
                         const std::vector<std::string>& sharing = {});

}  // namespace pgdecl::pg
