#include "providers/postgres/helper_container.h"

#include "providers/docker/ownership.h"

namespace pgdecl::pg {
namespace {

constexpr const char* kContainerKind = "container";

// Earlier versions labelled helpers with the cluster and address only.
bool is_this_helper(const docker::Labels& labels, const docker::Owner& owner) {
  docker::Owner unmarked = owner;
  unmarked.helper.clear();
  return docker::owned_by(labels, owner) || docker::owned_by(labels, unmarked);
}

Status remove_leftover(docker::Client& client, const std::string& name, const docker::Owner& owner) {
  auto leftover = client.inspect_container(name);
  if (!leftover) return leftover.status();
  if (!leftover->has_value()) return Status::ok();
  if (!is_this_helper((*leftover)->labels, owner))
    return docker::not_ours(kContainerKind, name, (*leftover)->labels, owner);
  auto removed = client.remove_container((*leftover)->id, true);
  return removed.code() == Status::Code::kNotFound ? Status::ok() : removed;
}

}  // namespace

Result<std::string> create_helper_container(NodeContext& context, const std::string& replica,
                                            const std::string& helper, docker::ContainerConfig config,
                                            const std::vector<std::string>& volumes) {
  const docker::Owner owner =
      context.docker.owner_of(std::string(resource_type::kReplica) + "." + replica, helper);
  for (const auto& volume : volumes) {
    if (auto s = context.docker.check_volume_before_mount(volume); !s) return s;
  }
  auto& client = context.docker.client();
  if (auto s = remove_leftover(client, config.name, owner); !s) return s;
  config.labels = owner.labels();
  auto id = client.create_container(config);
  if (id || id.status().code() != Status::Code::kConflict) return id;
  // Made at that name since we looked: say whose it is.
  auto there = client.inspect_container(config.name);
  if (!there || !there->has_value()) return id;
  return docker::not_ours(kContainerKind, config.name, (*there)->labels, owner);
}

}  // namespace pgdecl::pg
