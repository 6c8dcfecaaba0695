#pragma once

#include <optional>
#include <string>

#include "cluster/archive/archive_listing.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// What the archive holds now, read by a short-lived container. With
// `verify`, pg_verifybackup checks every backup again first, and each
// one's description says what it found.
Result<engine::ArchiveListing> read_archive(NodeContext& context, bool verify = false,
                                            std::chrono::seconds timeout = std::chrono::seconds(60));

// The node a backup copies from: `asked` when given; else, as backup.from
// says, the first replica the primary sees streaming (the primary when
// none does, or with from: primary).
Result<std::string> backup_source(NodeContext& context, const std::optional<std::string>& asked);

// A base backup of `node` into the archive, verified by pg_verifybackup,
// under an id made of the time it starts (20261208T041500Z). Taken from a
// replica, the primary is asked for a checkpoint first, so the replica's
// backup starts at a recent one. A backup that fails verification is
// kept, listed as not verified, and the answer is an error naming it.
Result<engine::BackupRecord> take_base_backup(NodeContext& context, const std::string& node,
                                              std::chrono::seconds timeout);

// Retention (backup.retention) applied to the archive: the backups it no
// longer keeps removed, and the WAL no kept backup needs. The ids removed.
Result<std::vector<std::string>> apply_retention(NodeContext& context);

}  // namespace pgdecl::pg
