#pragma once

#include <string>

#include "engine/model/resource.h"
#include "providers/docker/client.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// What pgdecl writes on the long-running containers it makes (a node's,
// the archiver's): the image tag asked for, and a digest of the command,
// so a read tells a new image or command from the one it runs.
inline constexpr const char* kImageLabel = "pgdecl.image";
inline constexpr const char* kCommandLabel = "pgdecl.command-digest";

// A label's value, or "" when the container has none.
std::string label_of(const docker::ContainerInfo& info, const char* key);

// The image attribute as plans compare it: the tag, marked when the
// container runs an older image than the tag names now.
Result<std::string> image_shown(docker::ClusterSnapshot& snapshot, const docker::ContainerInfo& info);

// A create that met a container at `name` made since the plan: whose it
// is, as the refusal says it; any other failure as it is.
Status refusal_at_name(NodeContext& context, const Status& failed, const std::string& name,
                       const Address& address);

// Stopped (for at most `timeout_seconds`) and removed; one gone already is
// no failure.
Status stop_and_remove(NodeContext& context, const std::string& id, int timeout_seconds);

}  // namespace pgdecl::pg
