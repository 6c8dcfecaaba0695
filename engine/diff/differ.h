#pragma once

#include "engine/model/change.h"

namespace pgdecl::engine {

// Compares what the spec wants with what exists, attribute by attribute,
// and decides the action. Knows nothing of Docker or SQL: the schema says
// which attributes force a replacement or a restart.
// desired == nullptr: the resource left the spec (kDelete).
// live == nullptr: it does not exist (kCreate, or kNoOp for a delete).
PlannedChange diff_resource(const Address& address, const DesiredResource* desired, const LiveResource* live,
                            const AttributeSchema& schema);

}  // namespace pgdecl::engine
