#pragma once

#include <memory>

#include "engine/provider/provider.h"
#include "engine/spec/model.h"
#include "providers/docker/cluster_snapshot.h"

namespace pgdecl::docker {

struct VolumeOptions {
  bool purge = false;  // --purge-volumes: destroy removes data volumes too
};

std::unique_ptr<engine::ResourceProvider> make_network_provider(ClusterSnapshot& docker,
                                                                const spec::ClusterSpec& spec);
std::unique_ptr<engine::ResourceProvider> make_volume_provider(ClusterSnapshot& docker,
                                                               const spec::ClusterSpec& spec,
                                                               VolumeOptions options);
std::unique_ptr<engine::ResourceProvider> make_image_provider(ClusterSnapshot& docker,
                                                              const spec::ClusterSpec& spec);

}  // namespace pgdecl::docker
