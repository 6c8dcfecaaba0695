#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/core/result.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// A change that takes the primary down (its container made again, a
// restart for a setting), made with writes moved away first, as
// ha.primary_update: switchover asks: a switchover to the first replica
// that streams, `change` made to the old primary while it is a replica,
// and a switchover back. Each switchover stops writes for a moment; the
// change itself stops none. nullopt when no replica streams, or the spec
// says restart: the caller makes the change in place.
std::optional<Status> with_writes_moved_away(NodeContext& context, const std::function<Status()>& change);

}  // namespace pgdecl::pg
