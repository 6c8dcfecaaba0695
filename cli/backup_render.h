#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cluster/archive/archive_listing.h"

namespace pgdecl::cli {

// One backup, as `pgdecl backup` reports it: one line.
std::string backup_line(const engine::BackupRecord& record);
nlohmann::json backup_json(const engine::BackupRecord& record);

// `pgdecl backups`: a table of the backups, oldest first, then the WAL the
// archive holds and its problems.
std::string render_archive_text(const engine::ArchiveListing& archive);
nlohmann::json archive_json(const engine::ArchiveListing& archive);

}  // namespace pgdecl::cli
