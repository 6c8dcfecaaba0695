#pragma once

#include <string>

#include "engine/model/plan.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// With a restore section, a plan that makes the primary's volume says how
// its data will be restored (which backup, which WAL, to where), after
// pg_verifybackup checked that backup again; a target the archive cannot
// reach fails the plan, with the reason.
Status plan_restore(NodeContext& context, engine::Plan& plan);

// The primary's volume filled from the restore section's archive: the
// backup copied in, replayed to the target, promoted, with the new
// cluster's superuser password and config. A volume with data is left as
// it is.
Status restore_primary(NodeContext& context, const std::string& node);

}  // namespace pgdecl::pg
