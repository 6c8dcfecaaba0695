#pragma once

#include "cluster/spec/model.h"
#include "engine/core/result.h"
#include "engine/model/plan.h"

namespace pgdecl::engine {

// A switchover (a change of pg_primary) comes after every other change of
// the plan: they were planned with the roles the cluster has now, and they
// are carried out with them. It is refused, naming why, when the replica
// it would promote may not be promoted (see switchover_refusal).
//
// A failover (the primary does not answer) is the plan's only change:
// everything else waits for the plan made with the new primary. It is
// refused when no replica answers, and, unless `force`, when the replica
// it promotes lags beyond ha.max_lag (see failover_refusal).
Status order_switchover(Plan& plan, const spec::ClusterSpec& spec, bool force);

}  // namespace pgdecl::engine
