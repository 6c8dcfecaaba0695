#pragma once

#include <string>

#include "providers/postgres/replication/cluster_status.h"

namespace pgdecl::cli {

// What `pgdecl status` prints, kept apart from the live reads so that tests
// can feed it clusters in any shape.
std::string render_status_text(const pg::ClusterStatus& status);
std::string render_status_json(const pg::ClusterStatus& status);

}  // namespace pgdecl::cli
