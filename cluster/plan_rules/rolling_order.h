#pragma once

#include "cluster/spec/model.h"
#include "engine/model/plan.h"

namespace pgdecl::engine {

// A change that takes a running node down (its container replaced, say for
// a new image, or its settings restarting it) reaches the replicas one at
// a time, in the spec's order, and the master last: each replica's step
// returns only once it streams again, so no more than one replica is ever
// down, and the master goes only once they all follow it again. Adds the
// edges, and says so in the reasons. Replicas whose container or copy is
// made anew are left out: they are not serving yet. Runs after
// order_restarts, whose master-first order for a lowered standby minimum
// it keeps.
void roll_over_nodes(Plan& plan, const spec::ClusterSpec& spec);

}  // namespace pgdecl::engine
