#pragma once

#include <string>

#include "providers/postgres/backup/archive_status.h"
#include "providers/postgres/replication/cluster_status.h"

namespace pgdecl::cli {

// The archive's part of a status: only with a backup section.
struct ArchiveReport {
  pg::ArchiveStatus status;
  bool synchronous = false;  // backup.synchronous
};

// What `pgdecl status` prints, kept apart from the live reads so that tests
// can feed it clusters in any shape.
std::string render_status_text(const pg::ClusterStatus& status,
                               const std::optional<ArchiveReport>& archive = {});
std::string render_status_json(const pg::ClusterStatus& status,
                               const std::optional<ArchiveReport>& archive = {});

// Every problem the status shows, a line each: empty when healthy.
std::vector<std::string> status_problems(const pg::ClusterStatus& status,
                                         const std::optional<ArchiveReport>& archive);

}  // namespace pgdecl::cli
