#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// What a replica's volume holds, read from its files without starting a
// server: whose cluster it is (pg_control's system identifier) and whether
// a bootstrap finished writing it.
struct ReplicaData {
  bool has_data = false;  // a data directory with PG_VERSION
  std::optional<std::uint64_t> system_identifier;
  bool complete = false;  // the bootstrap's marker is there
  // A whole copy whose server left recovery (pg_promote(), or its
  // standby.signal removed): a primary of its own, which may hold writes
  // its master never saw, and which can follow the master no more.
  bool promoted = false;
  std::optional<Secret> passfile;  // the WAL receiver's password file
};

// Reads through the replica's container when it has one (running or not),
// else through a container created for the purpose and never started.
Result<ReplicaData> read_replica_data(NodeContext& context, const std::string& replica);

// Writes the WAL receiver's password file into the replica's volume, owned
// by the image's postgres user, mode 0600.
Status install_replication_passfile(NodeContext& context, const std::string& replica, const Secret& content);

// Writes files into a node's volume (paths relative to its mount point),
// owned by the image's postgres user: how a stopped node is made ready to
// start as a standby.
Status write_volume_files(NodeContext& context, const std::string& node,
                          std::vector<docker::ArchiveFile> files);

// The first field of pg_control, in the machine's byte order (the server's).
std::optional<std::uint64_t> system_identifier_of(const std::string& pg_control);

}  // namespace pgdecl::pg
