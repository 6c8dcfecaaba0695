#pragma once

#include <string>
#include <vector>

#include "cluster/spec/model.h"

namespace pgdecl::engine {

// The replication slot a replica streams through, on the master.
std::string slot_name(const std::string& replica);

// How much WAL a slot may hold back on the master unless the spec says.
inline constexpr const char* kDefaultMaxSlotWalKeepSize = "1GB";

// Where a replica keeps the replication password for its WAL receiver: in
// its volume beside the data directory (not copied by a base backup), mode
// 0600, owned by postgres. Never in its config, environment or arguments.
inline constexpr const char* kReplicationPassfile = "/var/lib/postgresql/data/replication.pass";

// Written by a bootstrap once the copy and its config are whole: a volume
// without it holds an unfinished copy.
inline constexpr const char* kStandbyMarker = "/var/lib/postgresql/data/pgdecl.standby";

// Present while a copy is being made into the volume: a node's start script
// waits while it is there.
inline constexpr const char* kCopyingMarker = "/var/lib/postgresql/data/pgdecl.copying";

// primary_conninfo: the master by its network alias (no IP address), the
// replica's own application_name (how pg_stat_replication names it), and
// the passfile. No password.
std::string replica_conninfo(const spec::ClusterSpec& spec, const spec::NodeSpec& replica);

// One line of a libpq password file for any connection as `user` (the
// superuser pg_rewind signs in as).
std::string any_database_passfile(const std::string& user, const std::string& password);

// The script a short-lived container runs to rewind a node's data to the
// primary's timeline with pg_rewind, in the primary's network namespace
// (the source is 127.0.0.1), signing in with the passfile staged for it.
// The node's standby.signal is put back however it ends: its data never
// serves as a primary.
std::string rewind_script(const spec::ClusterSpec& spec);

// One line of a libpq password file for replication connections as `user`,
// with ':' and '\' escaped as libpq expects.
std::string replication_passfile(const std::string& user, const std::string& password);

// Where the volumes of the replicas sharing a copy are mounted in the
// copying container, one folder each by replica name.
inline constexpr const char* kSharedCopyMounts = "/var/lib/postgresql/sharing";

// The one-shot container's command: pg_basebackup from the master into the
// replica's volume, clones of it into the volumes of the replicas in
// `sharing`, then each replica's own config, then the markers. With `wipe`,
// what a volume holds is removed first (an unfinished copy, or a
// replacement the user asked for); without, a volume with data is refused.
std::string replica_bootstrap_script(const spec::ClusterSpec& spec, const spec::NodeSpec& replica, bool wipe,
                                     const std::vector<std::string>& sharing = {});

}  // namespace pgdecl::engine
