#pragma once

#include <string>
#include <vector>

#include "cluster/spec/model.h"

namespace pgdecl::engine {

// Where the archiver keeps the replication password (mode 0600, owned by
// postgres), in its container's own files: handed over before its first
// start, never in its command, environment or the archive.
inline constexpr const char* kArchiverPassfile = "/etc/pgdecl/archiver.pass";
// Where a backup helper finds the password it signs in with.
inline constexpr const char* kBackupPassfile = "/etc/pgdecl/backup/passfile";

// The archiver's conninfo: the primary by the read-write alias, so the
// archiver follows a switchover or failover with nothing to change, as
// the replication user, named pgdecl_archiver in pg_stat_replication.
std::string archiver_conninfo(const spec::ClusterSpec& spec);

// The archiver container's command: pg_receivewal into the archive's wal
// folder through its own slot, run again a second after it loses the
// primary. With backup.synchronous, it flushes each write at once and says
// so, for the primary to count it as a synchronous standby.
std::string archiver_script(const spec::ClusterSpec& spec);

// synchronous_standby_names when the archiver is a synchronous standby:
// commits wait for it alone.
std::string archiver_standby_names();

// The backup helper's command: pg_basebackup of `node` into the archive's
// base folder as backup `id` (plain, with its WAL and a manifest), checked
// by pg_verifybackup, described in <id>.json. A backup is listed only once
// whole: it is made under <id>.running and renamed last, its <id>.json
// after it. Exit 0 only for a verified backup.
std::string base_backup_script(const spec::ClusterSpec& spec, const std::string& node, const std::string& id);

// A short-lived container's command that prints what the archive holds, a
// line each: "backup <json>", "running <name>" (a backup cut short or under
// way), "wal <file name> <bytes> <mtime seconds>".
std::string archive_listing_script();

// pg_verifybackup run again on every backup of the archive, each one's
// <id>.json updated with what it found (verified, checked, problem),
// then the listing above.
std::string verify_and_list_script();

// Retention's command: the backups `ids` removed, their descriptions
// first, then every WAL segment before `oldest_needed_segment` (on any
// timeline) with pg_archivecleanup; an empty one removes no WAL.
std::string prune_script(const std::vector<std::string>& ids, const std::string& oldest_needed_segment);

// Where a restore's helper finds what pgdecl hands it: the new cluster's
// pg_hba.conf and pgdecl.conf, and the statement that gives the
// superuser the new cluster's password.
inline constexpr const char* kRestoreStage = "/etc/pgdecl/restore";

// A helper's command that checks one backup with pg_verifybackup.
std::string verify_backup_script(const std::string& id);

// The restore helper's command, on the primary's volume and the archive:
// backup `id` copied in, the WAL replayed from the archive to the target
// (`recovery_settings`: recovery_target_* as -c options), promoted, the
// superuser given the new password, then the new cluster's config
// installed. The copy's marker (kCopyingMarker) is there from the start
// until the data is whole and synced, so fsync can be off for the replay:
// a restore cut short is made again, where a volume that holds data
// without the marker is left as it is. A restore that fails leaves the
// volume empty, for the next apply to try again.
std::string restore_script(const spec::ClusterSpec& spec, const std::string& id,
                           const std::string& recovery_settings);

}  // namespace pgdecl::engine
