#pragma once

#include <optional>
#include <string>

#include "providers/docker/client.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// The archive as a container mounts it, at engine::kArchiveMount.
docker::VolumeMount archive_mount(const spec::ClusterSpec& spec, bool read_only);

// Before a container mounts the archive: the backup volume must be this
// cluster's (Docker would make an unlabelled one on mount); a host
// directory is made when missing, as Docker refuses to bind a path that is
// not there.
Status prepare_archive(NodeContext& context);

// The archiver as the primary sees it: its WAL sender in
// pg_stat_replication, named pgdecl_archiver.
struct ArchiverStream {
  std::optional<std::string> state;       // streaming, catchup, ...; nullopt: not connected
  std::optional<std::string> sync_state;  // sync, quorum, async, ...
  std::optional<long long> lag_bytes;     // the primary's WAL the archive has not written yet
};
Result<ArchiverStream> read_archiver_stream(SqlSession& primary);

// Streaming, and counted as synchronous when the spec makes it so.
bool archiver_streams(const ArchiverStream& stream, const spec::BackupSpec& backup);

// Waits until the primary sees the archiver streaming, for the context's
// ready_timeout; a timeout says what the primary saw last and the
// archiver's last log lines.
Status wait_until_archiving(NodeContext& context, const std::string& container_id);

}  // namespace pgdecl::pg
