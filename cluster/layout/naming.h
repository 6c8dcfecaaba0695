#pragma once

#include <string>

#include "engine/core/address.h"

namespace pgdecl::engine {

// Every Docker object of a cluster is named "<cluster>-<name>" and labelled
// with the cluster and its resource address; pgdecl touches nothing else.
inline std::string docker_name(const std::string& cluster, const std::string& name) {
  return cluster + "-" + name;
}

// The name that resolves to the primary inside the cluster's network,
// "<cluster>-rw": pgdecl moves it with the primary.
inline std::string read_write_alias(const std::string& cluster) { return docker_name(cluster, "rw"); }

// The container that streams the primary's WAL into the archive is
// "<cluster>-archiver", pg_stat_replication's application_name and its
// slot's name say pgdecl_archiver: a node may not take the name while the
// spec has a backup section.
inline constexpr const char* kArchiverName = "archiver";
inline constexpr const char* kArchiverApplicationName = "pgdecl_archiver";
// Where the archive is mounted in the archiver and backup containers, and
// its two folders: WAL as pg_receivewal names it, and one folder a base
// backup (with its <id>.json beside it).
inline constexpr const char* kArchiveMount = "/archive";
inline constexpr const char* kArchiveWalDir = "/archive/wal";
inline constexpr const char* kArchiveBaseDir = "/archive/base";

inline constexpr const char* kClusterLabel = "pgdecl.cluster";
inline constexpr const char* kAddressLabel = "pgdecl.address";

// Where a node keeps its data: the volume is mounted at kDataMount and the
// cluster lives one level down, so its folder can be owned by postgres with
// mode 0700 whatever Docker made of the mount point.
inline constexpr const char* kDataMount = "/var/lib/postgresql/data";
inline constexpr const char* kPgData = "/var/lib/postgresql/data/pgdata";
// Files pgdecl hands to a container before it starts, outside the volume.
inline constexpr const char* kStagingDir = "/etc/pgdecl";
inline constexpr int kPostgresPort = 5432;
// A node's container starts again with the Docker engine (after a host
// reboot), unless someone stopped it on purpose (docker stop).
inline constexpr const char* kNodeRestartPolicy = "unless-stopped";

}  // namespace pgdecl::engine
