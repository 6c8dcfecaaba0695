#pragma once

#include <string>

#include "engine/core/result.h"
#include "providers/docker/client.h"
#include "providers/postgres/session/connection.h"

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
Status write_config_file(SqlSession& c, const std::string& file_name, const std::string& content);
// The statement write_config_file runs, for a caller that runs it inside
// a larger one.
std::string config_file_statement(SqlSession& c, const std::string& file_name, const std::string& content);

// The same into a stopped node: how a change that kept the server from
// starting is taken back.
Status put_back_node_file(docker::Client& client, const std::string& container_id,
                          const std::string& file_name, const std::string& content, FileOwner owner);

}  // namespace pgdecl::pg
