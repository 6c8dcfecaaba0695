#pragma once

// Private to providers/docker: container configuration and state as the
// Engine API writes them. Inspect and list describe a container in different
// shapes; both decode to the same ContainerInfo so a refresh can use either.

#include "providers/docker/client.h"
#include "providers/docker/json_util.h"

namespace pgdecl::docker {

// The port whose host binding ContainerInfo::published reports.
inline constexpr int kPublishedContainerPort = 5432;

// Body of POST /containers/create.
Json container_create_body(const ContainerConfig& config);

// GET /containers/{id}/json.
ContainerInfo decode_inspected_container(const Json& container);

// One element of GET /containers/json. The list only shows port bindings of
// a running container; `published` stays empty for the others.
ContainerInfo decode_listed_container(const Json& container);

}  // namespace pgdecl::docker
