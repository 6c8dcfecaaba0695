#pragma once

#include <memory>

#include "engine/provider/provider.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// pg_archiver.archiver: the container that streams the primary's WAL into
// the backup archive.
std::unique_ptr<engine::ResourceProvider> make_archiver_provider(NodeContext& context);

}  // namespace pgdecl::pg
