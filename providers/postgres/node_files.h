#pragma once

#include <string>

#include "engine/core/status.h"
#include "providers/docker/client.h"

namespace pgdecl::pg {

// Replaces one of pgdecl's config files of a running node: staged under
// /etc/pgdecl (what the container installs at every start) and installed
// into the data directory, owned by postgres, mode 0600.
Status install_node_file(docker::Client& client, const std::string& container_id,
                         const std::string& file_name, const std::string& content);

}  // namespace pgdecl::pg
