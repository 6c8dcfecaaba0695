#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/archive/archive_listing.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// The archive as `pgdecl status` reports it: the archiver as Docker and
// the primary see it, and what the archive holds.
struct ArchiveStatus {
  std::string where;                  // the backup volume's Docker name or the host directory
  std::string container = "missing";  // the archiver container's state
  std::optional<std::string> stream;  // as the primary sees it; nullopt: it cannot be asked
  std::optional<std::string> sync_state;
  std::optional<long long> lag_bytes;
  std::optional<engine::ArchiveListing> listing;  // nullopt: unreadable, see `error`
  std::string error;
  std::optional<long long> newest_backup_age_seconds;
};

// nullopt when the spec has no backup section. Only a Docker failure is an
// error: an archiver that is down or an archive that cannot be read is
// part of the answer.
Result<std::optional<ArchiveStatus>> read_archive_status(NodeContext& context);

// What a plan warns of: the problems of an archive that exists (a backup
// that fails verification, missing WAL, one that cannot be read); none
// before the archive's volume or directory is made.
std::vector<std::string> archive_warnings(NodeContext& context);

// One line per problem: the archiver down or not streaming, and the
// archive's own (engine::archive_problems).
std::vector<std::string> archive_health_problems(const ArchiveStatus& status, bool synchronous);

}  // namespace pgdecl::pg
