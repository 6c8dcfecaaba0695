#pragma once

#include "cluster/spec/model.h"
#include "engine/model/plan.h"

namespace pgdecl::engine {

// Parameters a hot standby must have at least as high as its master's: when
// one of them goes down, the master restarts first; otherwise replicas
// restart first, so a standby never runs below its master.
bool lowers_standby_minimum(const PlannedChange& master_settings);

// Orders the settings restarts of one plan across nodes: replicas before
// the master, or the master first when lowers_standby_minimum(). Only
// replicas whose container and copy stay as they are take part (the others
// already come after the master), so no cycle can form.
void order_restarts(Plan& plan, const spec::ClusterSpec& spec);

}  // namespace pgdecl::engine
