#pragma once

#include <memory>

#include "cluster/spec/model.h"
#include "engine/provider/provider.h"
#include "providers/docker/cluster_snapshot.h"

namespace pgdecl::docker {

std::unique_ptr<engine::ResourceProvider> make_network_provider(ClusterSnapshot& docker,
                                                                const spec::ClusterSpec& spec);
// A volume that leaves is planned as kept; engine::decide_volume_removals
// decides whether its data goes.
std::unique_ptr<engine::ResourceProvider> make_volume_provider(ClusterSnapshot& docker,
                                                               const spec::ClusterSpec& spec);
std::unique_ptr<engine::ResourceProvider> make_image_provider(ClusterSnapshot& docker,
                                                              const spec::ClusterSpec& spec);

}  // namespace pgdecl::docker
