#pragma once

#include <vector>

#include "cluster/spec/model.h"
#include "engine/model/resource.h"

namespace pgdecl::engine {

// The spec, once, as typed desired resources with their dependencies.
std::vector<DesiredResource> desired_resources(const spec::ClusterSpec& spec);

// Attribute names shared by the desired side and the providers' reads.
namespace attr {
inline constexpr const char* kName = "name";
inline constexpr const char* kSubnet = "subnet";
inline constexpr const char* kTag = "tag";
inline constexpr const char* kContextDigest = "context_digest";
inline constexpr const char* kImage = "image";
inline constexpr const char* kVolume = "volume";
inline constexpr const char* kNetwork = "network";
inline constexpr const char* kPublish = "publish";
inline constexpr const char* kRole = "role";
inline constexpr const char* kCommand = "command_digest";
inline constexpr const char* kState = "state";
inline constexpr const char* kRestartPolicy = "restart_policy";  // a node container's Docker restart policy
inline constexpr const char* kHbaRules = "rules";
inline constexpr const char* kReplication = "replication";         // a replica container's health
inline constexpr const char* kPreventDestroy = "prevent_destroy";  // a volume's; "true" or "false"
// A node container's: the system identifier of the data its server holds,
// read and recorded, never desired; the node's connection checks it.
inline constexpr const char* kSystemIdentifier = "system_identifier";
inline constexpr const char* kNode = "node";                // pg_primary's: the node that takes writes
inline constexpr const char* kArchive = "archive";          // the archiver's: a volume or a host directory
inline constexpr const char* kSynchronous = "synchronous";  // the archiver's: "true" or "false"
}  // namespace attr

// What attr::kReplication says of a replica the master sees streaming.
inline constexpr const char* kStreaming = "streaming";

}  // namespace pgdecl::engine
