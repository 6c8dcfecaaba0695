#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace pgdecl::engine {

// A base backup as its <id>.json in the archive describes it. Times are
// UTC, RFC 3339, as the backup's helper read its clock.
struct BackupRecord {
  std::string id;
  std::string node;     // the node it was copied from
  std::string started;  // before pg_basebackup's checkpoint
  std::string ended;    // once it had the last WAL it needs: consistent from here
  std::string start_lsn, end_lsn;
  unsigned timeline = 0;
  long long bytes = 0;
  bool verified = false;  // pg_verifybackup passed when `checked`
  std::string checked;
  std::string problem;  // pg_verifybackup's first complaint
};

// One file of the archive's wal folder.
struct WalFile {
  std::string name;
  long long bytes = 0;
  double modified = 0;  // seconds since the epoch
};

// What the archive holds, oldest backup first.
struct ArchiveListing {
  std::vector<BackupRecord> backups;
  std::vector<std::string> unfinished;  // <id>.running folders: a backup under way or cut short
  std::vector<WalFile> wal;             // sorted by name
};

// The archive_listing_script's output; a line it does not know is an
// error naming it.
Result<ArchiveListing> parse_archive_listing(const std::string& output);

// What the archive lacks to replay from `from_lsn` (a backup's start) on
// the timelines it holds, to its newest WAL: one line per missing run of
// segments, empty when nothing is missing. A .partial segment counts only
// as the archive's last.
std::vector<std::string> wal_gaps(const ArchiveListing& archive, long long from_lsn);

// What is wrong with the archive, a line each: a backup that failed
// verification, WAL missing after the oldest backup, a backup cut short.
std::vector<std::string> archive_problems(const ArchiveListing& archive);

// The newest timeline the archive holds WAL or a history file of.
unsigned newest_timeline(const ArchiveListing& archive);

// The newest segment file (by timeline, then number), .partial included.
std::optional<WalFile> newest_segment(const ArchiveListing& archive);

}  // namespace pgdecl::engine
