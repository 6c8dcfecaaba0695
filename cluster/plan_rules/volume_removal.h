#pragma once

#include <map>
#include <string>

#include "cluster/spec/model.h"
#include "engine/model/plan.h"

namespace pgdecl::engine {

// What the state recorded of each resource, by address.
using RecordedAttributes = std::map<std::string, Attributes>;

// Decides, for each data volume that leaves (the spec dropped it, or
// destroy), whether its data goes with it or it is kept and no longer
// managed. It goes only when `purge` (--purge-volumes) is given or its
// prevent_destroy is false (the spec's while the spec names it, else the
// one the state recorded). Outside destroy it also needs that nothing
// holds it but replica containers this plan destroys: apply never removes
// the master's data, nor a volume a container it keeps still mounts.
void decide_volume_removals(Plan& plan, const spec::ClusterSpec& spec, const RecordedAttributes& recorded,
                            bool purge);

}  // namespace pgdecl::engine
