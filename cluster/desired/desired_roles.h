#pragma once

#include "cluster/spec/model.h"
#include "engine/model/resource.h"

namespace pgdecl::engine {

// pg_role.<name> and pg_database.<name>: every attribute declared (what the
// spec leaves out is held at PostgreSQL's default), ordered after the
// master and after the roles they name.
DesiredResource role_resource(const spec::ClusterSpec& spec, const spec::RoleSpec& role);
DesiredResource database_resource(const spec::ClusterSpec& spec, const spec::DatabaseSpec& database);

}  // namespace pgdecl::engine
