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
