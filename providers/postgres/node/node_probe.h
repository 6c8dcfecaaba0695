#pragma once

#include <optional>
#include <string>

#include "engine/model/resource.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// Reads something from a node's server during a refresh. On a new node
// (no container, no volume) the resource does not exist either (nullopt).
// When the server cannot be asked now (container stopped or gone, server
// starting), the result is an object marked unknown: plan_unknown() turns
// it into an update that is checked again when applied.
using NodeReader = std::function<Result<engine::LiveResource>(SqlSession&)>;
Result<std::optional<engine::LiveResource>> probe_node(NodeContext& context, const std::string& node,
                                                       const NodeReader& reader);

// The same for an object on the node that may not exist (a role, a slot):
// the reader's nullopt is the server saying there is no such object.
using ObjectReader = std::function<Result<std::optional<engine::LiveResource>>(SqlSession&)>;
Result<std::optional<engine::LiveResource>> probe_node_object(NodeContext& context, const std::string& node,
                                                              const ObjectReader& reader);

bool is_unknown(const engine::LiveResource* live);
engine::PlannedChange plan_unknown(const Address& address, const engine::DesiredResource* desired,
                                   const engine::LiveResource& live);

// What lives in a node's data directory is not deleted on its own: a
// planned delete becomes "no longer managed".
engine::PlannedChange stays_with_node(engine::PlannedChange change);

}  // namespace pgdecl::pg
