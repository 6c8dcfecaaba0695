#include "providers/postgres/backup/archive_status.h"

#include <ctime>
#include <filesystem>

#include "cluster/archive/restore_choice.h"
#include "cluster/desired/desired_archiver.h"
#include "cluster/layout/naming.h"
#include "providers/postgres/backup/archive_access.h"
#include "providers/postgres/backup/base_backup.h"

namespace pgdecl::pg {

Result<std::optional<ArchiveStatus>> read_archive_status(NodeContext& context) {
  if (!context.spec.backup.declared) return std::optional<ArchiveStatus>();
  ArchiveStatus status;
  status.where = engine::archive_source(context.spec);
  const std::string owner = std::string(resource_type::kArchiver) + "." + engine::kArchiverName;
  auto info = context.docker.container_of(owner, engine::kArchiverName);
  if (!info) return info.status();
  if (info->has_value()) status.container = (*info)->state;
  Status asked =
      context.sessions.with_connection(context.spec.primary().name, Clock::now(), [&](SqlSession& c) {
        auto stream = read_archiver_stream(c);
        if (!stream) return stream.status();
        status.stream = stream->state.value_or("not connected");
        status.sync_state = stream->sync_state;
        status.lag_bytes = stream->lag_bytes;
        return Status::ok();
      });
  if (!asked) status.stream.reset();
  auto listing = read_archive(context);
  if (listing) {
    status.listing = std::move(*listing);
    if (!status.listing->backups.empty()) {
      if (auto ended = engine::utc_seconds(status.listing->backups.back().ended))
        status.newest_backup_age_seconds = static_cast<long long>(std::time(nullptr) - *ended);
    }
  } else {
    status.error = listing.status().message();
  }
  return std::optional<ArchiveStatus>(std::move(status));
}

std::vector<std::string> archive_warnings(NodeContext& context) {
  const spec::BackupSpec& backup = context.spec.backup;
  if (!backup.declared) return {};
  if (!backup.volume.empty()) {
    auto volume = context.docker.volume(backup.volume);
    if (!volume || !volume->has_value()) return {};
  } else if (!std::filesystem::is_directory(backup.directory)) {
    return {};
  }
  auto listing = read_archive(context);
  if (!listing) return {"the archive cannot be read: " + listing.status().message()};
  std::vector<std::string> warnings;
  for (const auto& problem : engine::archive_problems(*listing))
    warnings.push_back("the archive: " + problem);
  return warnings;
}

std::vector<std::string> archive_health_problems(const ArchiveStatus& status, bool synchronous) {
  std::vector<std::string> problems;
  if (status.container != "running") {
    problems.push_back("archiver: its container is " + status.container +
                       ": WAL is not archived (its slot keeps it on the primary meanwhile)" +
                       (synchronous ? "; commits wait for it" : ""));
  } else if (!status.stream) {
    problems.push_back("archiver: unknown, the primary cannot be asked");
  } else if (*status.stream != "streaming") {
    problems.push_back("archiver: " + *status.stream + ", not streaming from the primary");
  } else if (synchronous && status.sync_state != "sync" && status.sync_state != "quorum") {
    problems.push_back("archiver: streaming, but not as a synchronous standby (" +
                       status.sync_state.value_or("?") + ")");
  }
  if (!status.listing) problems.push_back("archive: cannot be read: " + status.error);
  if (status.listing) {
    for (const auto& problem : engine::archive_problems(*status.listing))
      problems.push_back("archive: " + problem);
  }
  return problems;
}

}  // namespace pgdecl::pg
