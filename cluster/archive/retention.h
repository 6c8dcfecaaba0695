#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/archive/archive_listing.h"
#include "cluster/spec/model.h"

namespace pgdecl::engine {

// What retention removes from the archive.
struct RetentionDecision {
  std::vector<std::string> remove;  // backup ids, oldest first
  // The first WAL segment the oldest kept backup needs: every segment
  // before it (on any timeline) goes with pg_archivecleanup. nullopt: the
  // archive has no backup, and its WAL is kept.
  std::optional<std::string> oldest_needed_segment;
};

// A backup stays while it is among the newest `count` or younger than
// `days` (`now`, seconds since the epoch); with both 0, every backup stays.
// The newest verified backup always stays, whatever the limits say: a
// cluster is never left with nothing to restore from.
RetentionDecision decide_retention(const ArchiveListing& archive, const spec::RetentionSpec& retention,
                                   double now);

}  // namespace pgdecl::engine
