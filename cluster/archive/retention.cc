#include "cluster/archive/retention.h"

#include "cluster/archive/restore_choice.h"
#include "cluster/archive/wal_names.h"

namespace pgdecl::engine {
namespace {

constexpr double kSecondsPerDay = 86400;

bool kept_by_limits(const ArchiveListing& archive, std::size_t index, const spec::RetentionSpec& retention,
                    double now) {
  if (retention.count == 0 && retention.days == 0) return true;
  const std::size_t newer = archive.backups.size() - 1 - index;
  if (retention.count > 0 && newer < static_cast<std::size_t>(retention.count)) return true;
  if (retention.days > 0) {
    auto ended = utc_seconds(archive.backups[index].ended);
    if (ended && now - *ended < retention.days * kSecondsPerDay) return true;
  }
  return false;
}

}  // namespace

RetentionDecision decide_retention(const ArchiveListing& archive, const spec::RetentionSpec& retention,
                                   double now) {
  RetentionDecision decision;
  std::optional<std::size_t> newest_verified;
  for (std::size_t i = 0; i < archive.backups.size(); ++i) {
    if (archive.backups[i].verified) newest_verified = i;
  }
  std::optional<std::size_t> oldest_kept;
  for (std::size_t i = 0; i < archive.backups.size(); ++i) {
    if (kept_by_limits(archive, i, retention, now) || i == newest_verified) {
      if (!oldest_kept) oldest_kept = i;
    } else {
      decision.remove.push_back(archive.backups[i].id);
    }
  }
  if (oldest_kept) {
    const BackupRecord& oldest = archive.backups[*oldest_kept];
    if (auto start = parse_lsn(oldest.start_lsn))
      decision.oldest_needed_segment = segment_file_name(oldest.timeline, segment_of(*start));
  }
  return decision;
}

}  // namespace pgdecl::engine
