#pragma once

#include <string>

#include "cluster/archive/archive_listing.h"
#include "cluster/spec/model.h"
#include "engine/core/result.h"

namespace pgdecl::engine {

// The backup a restore starts from, and the WAL it replays.
struct RestoreChoice {
  BackupRecord backup;
  std::string first_segment;  // the one the backup starts in
  std::string last_segment;   // the archive's newest
  std::string description;    // for the plan: which backup, which WAL, to where
};

// The backup `restore` names (latest: the newest verified one that ends
// before the target), and the WAL after it, or why the archive cannot
// reach the target: no verified backup before it, a gap in the WAL after
// the backup, or a target past the archive's newest WAL.
Result<RestoreChoice> choose_restore(const ArchiveListing& archive, const spec::RestoreSpec& restore);

// An RFC 3339 UTC time as the backup helper writes it, in seconds since
// the epoch (with its fraction).
std::optional<double> utc_seconds(const std::string& text);

}  // namespace pgdecl::engine
