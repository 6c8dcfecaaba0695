#pragma once

#include <string>

#include "engine/core/result.h"
#include "providers/docker/client.h"
#include "providers/postgres/connection.h"

namespace pgdecl::pg {

// Who owns the data directory inside the container ("uid:gid" numbers),
// asked while it runs, so a file can be put back while it does not.
struct FileOwner {
  int uid = 0;
  int gid = 0;
};
Result<FileOwner> data_owner(docker::Client& client, const std::string& container_id);

// Replaces one of pgdecl's config files in a running node's data directory,
// owned by postgres with mode 0600, through the node's own connection: one
// round trip, where a Docker exec takes tens of milliseconds. Never for a
// secret: the content is part of the statement.
// With `pending_marker`, that file is made first, in the same program: a
// run killed before it loads the new file leaves the marker behind, and
// the next run knows the file on disk is not the one in force.
Status write_config_file(Connection& c, const std::string& file_name, const std::string& content,
                         const std::string& pending_marker = "");
// Removes a file pgdecl made in the data directory (a pending marker).
Status remove_node_file(Connection& c, const std::string& file_name);

// The same into a stopped node: how a change that kept the server from
// starting is taken back.
Status put_back_node_file(docker::Client& client, const std::string& container_id,
                          const std::string& file_name, const std::string& content, FileOwner owner);

}  // namespace pgdecl::pg
