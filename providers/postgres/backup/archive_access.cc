#include "providers/postgres/backup/archive_access.h"

#include <filesystem>
#include <thread>

#include "cluster/desired/desired_archiver.h"
#include "cluster/layout/naming.h"
#include "providers/postgres/node/node_probe.h"
#include "providers/postgres/node/replica_log.h"

namespace pgdecl::pg {

docker::VolumeMount archive_mount(const spec::ClusterSpec& spec, bool read_only) {
  return {engine::archive_source(spec), engine::kArchiveMount, spec.backup.volume.empty(), read_only};
}

Status prepare_archive(NodeContext& context) {
  const spec::BackupSpec& backup = context.spec.backup;
  if (!backup.volume.empty()) return context.docker.check_volume_before_mount(backup.volume);
  std::error_code error;
  std::filesystem::create_directories(backup.directory, error);
  if (error)
    return Status::failed("making the backup directory " + backup.directory.string() + ": " +
                          error.message());
  return Status::ok();
}

Result<ArchiverStream> read_archiver_stream(SqlSession& primary) {
  auto rows = primary.query(
      "SELECT state, sync_state, (pg_current_wal_lsn() - write_lsn)::bigint FROM pg_stat_replication "
      "WHERE application_name = $1 ORDER BY state = 'streaming' DESC LIMIT 1",
      {engine::kArchiverApplicationName});
  if (!rows) return rows.status();
  ArchiverStream stream;
  if (rows->rows.empty()) return stream;
  const auto& row = rows->rows[0];
  stream.state = row[0];
  stream.sync_state = row[1];
  if (row[2]) stream.lag_bytes = std::stoll(*row[2]);
  return stream;
}

bool archiver_streams(const ArchiverStream& stream, const spec::BackupSpec& backup) {
  if (stream.state != "streaming") return false;
  return !backup.synchronous || stream.sync_state == "sync" || stream.sync_state == "quorum";
}

namespace {

std::string describe(const ArchiverStream& stream) {
  if (!stream.state) return "not connected";
  return *stream.state + (stream.sync_state ? " (" + *stream.sync_state + ")" : "");
}

}  // namespace

Status wait_until_archiving(NodeContext& context, const std::string& container_id) {
  const auto until = Clock::now() + context.ready_timeout;
  const std::string primary = context.spec.primary().name;
  std::string seen = "not asked";
  for (auto pause = kFirstPoll;; pause = std::min(pause * 2, kLongestPoll)) {
    Status asked = context.sessions.with_connection(primary, until, [&](SqlSession& c) -> Status {
      auto stream = read_archiver_stream(c);
      if (!stream) return stream.status();
      seen = describe(*stream);
      return archiver_streams(*stream, context.spec.backup) ? Status::ok()
                                                            : Status::failed("the archiver is " + seen);
    });
    if (asked) return asked;
    if (Clock::now() + pause >= until) {
      return Status::timeout("the primary " + primary + " does not see the archiver streaming after " +
                             std::to_string(context.ready_timeout.count()) + " s (" + seen + "):\n" +
                             last_log_lines(context.docker.client(), container_id, 20));
    }
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace pgdecl::pg
