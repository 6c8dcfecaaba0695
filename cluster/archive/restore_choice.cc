#include "cluster/archive/restore_choice.h"

#include <cmath>
#include <ctime>

#include "cluster/archive/wal_names.h"

namespace pgdecl::engine {
namespace {

using Clock = std::chrono::system_clock;

double seconds_of(Clock::time_point at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

std::string target_text(const spec::RestoreSpec& restore) {
  switch (restore.target) {
    case spec::RecoveryTargetKind::kTime:
      return "the time " + restore.target_time;
    case spec::RecoveryTargetKind::kLsn:
      return "the LSN " + restore.target_lsn;
    case spec::RecoveryTargetKind::kEnd:
      break;
  }
  return "the end of the archive";
}

// Whether the backup is consistent before the target: recovery can stop
// there only once it has replayed the backup's own WAL.
bool ends_before(const BackupRecord& backup, const spec::RestoreSpec& restore) {
  if (restore.target == spec::RecoveryTargetKind::kTime) {
    auto ended = utc_seconds(backup.ended);
    return ended && *ended < seconds_of(restore.target_time_point);
  }
  if (restore.target == spec::RecoveryTargetKind::kLsn) {
    auto end = parse_lsn(backup.end_lsn);
    auto target = parse_lsn(restore.target_lsn);
    return end && target && *end <= *target;
  }
  return true;
}

Result<BackupRecord> pick_backup(const ArchiveListing& archive, const spec::RestoreSpec& restore) {
  if (restore.backup != "latest") {
    for (const auto& backup : archive.backups) {
      if (backup.id != restore.backup) continue;
      if (!backup.verified)
        return Status::failed("backup " + backup.id + " failed verification (" + backup.problem +
                              "): it is not restored from");
      if (!ends_before(backup, restore))
        return Status::failed("backup " + backup.id + " ends at " + backup.ended + " (" + backup.end_lsn +
                              "), not before " + target_text(restore) + ": recovery cannot stop there");
      return backup;
    }
    return Status::failed("the archive holds no backup " + restore.backup);
  }
  std::string passed_over;
  for (auto it = archive.backups.rbegin(); it != archive.backups.rend(); ++it) {
    if (!ends_before(*it, restore)) continue;
    if (it->verified) return *it;
    passed_over += " " + it->id + " (failed verification: " + it->problem + ")";
  }
  if (archive.backups.empty()) return Status::failed("the archive holds no backup yet");
  return Status::failed("no verified backup in the archive ends before " + target_text(restore) +
                        (passed_over.empty() ? "; the oldest ends at " + archive.backups.front().ended
                                             : "; passed over:" + passed_over));
}

// A target past what the archive holds is never reached: PostgreSQL stops
// with an error at the end of the WAL instead.
Status check_reachable(const ArchiveListing& archive, const spec::RestoreSpec& restore) {
  auto newest = newest_segment(archive);
  if (!newest) return Status::failed("the archive holds no WAL");
  if (restore.target == spec::RecoveryTargetKind::kTime &&
      newest->modified < seconds_of(restore.target_time_point)) {
    const std::time_t written = static_cast<std::time_t>(newest->modified);
    char at[32];
    std::strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S+00", std::gmtime(&written));
    return Status::failed("the archive's newest WAL (" + newest->name + ") was written at " + at +
                          ", before " + target_text(restore) +
                          ": replay cannot reach it (target: end replays all the archive holds)");
  }
  if (restore.target == spec::RecoveryTargetKind::kLsn) {
    auto name = parse_segment_name(newest->name);
    auto target = parse_lsn(restore.target_lsn);
    if (name && target && segment_of(*target) > name->segment)
      return Status::failed("the archive's WAL ends in segment " + newest->name + ", before " +
                            target_text(restore));
  }
  return Status::ok();
}

}  // namespace

std::optional<double> utc_seconds(const std::string& text) {
  std::tm parts{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (!rest) return std::nullopt;
  double fraction = 0;
  if (*rest == '.') fraction = std::atof(rest);
  return static_cast<double>(timegm(&parts)) + fraction;
}

Result<RestoreChoice> choose_restore(const ArchiveListing& archive, const spec::RestoreSpec& restore) {
  auto backup = pick_backup(archive, restore);
  if (!backup) return backup.status();
  auto start = parse_lsn(backup->start_lsn);
  if (!start)
    return Status::failed("backup " + backup->id + " has no readable start LSN: " + backup->start_lsn);
  auto gaps = wal_gaps(archive, *start);
  if (!gaps.empty())
    return Status::failed("the archive's WAL after backup " + backup->id + " has a gap: " + gaps.front());
  if (auto s = check_reachable(archive, restore); !s) return s;
  RestoreChoice choice;
  choice.backup = *backup;
  choice.first_segment = segment_file_name(backup->timeline, segment_of(*start));
  choice.last_segment = newest_segment(archive)->name;
  choice.description = "restored from backup " + backup->id + " of " + backup->node + " (" +
                       backup->start_lsn + " to " + backup->end_lsn + ", timeline " +
                       std::to_string(backup->timeline) + ", verified), then WAL " + choice.first_segment +
                       " to " + choice.last_segment + " replayed to " + target_text(restore) +
                       ", and promoted";
  return choice;
}

}  // namespace pgdecl::engine
