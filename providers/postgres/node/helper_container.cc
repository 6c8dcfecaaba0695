#include "providers/postgres/node/helper_container.h"

#include "providers/docker/ownership.h"
#include "providers/docker/run_identity.h"

namespace pgdecl::pg {
namespace {

constexpr const char* kContainerKind = "container";

// A helper of this replica's, for this purpose, whose run is over. Only
// its labels say so: a container at a helper's name without them (the
// pgdecl.helper label included) may be anyone's, and is never removed.
bool is_leftover(const docker::Labels& labels, const docker::Owner& owner) {
  return docker::owned_by(labels, owner) && docker::run_is_over(labels);
}

Status remove_quietly(docker::Client& client, const std::string& id) {
  auto removed = client.remove_container(id, true);
  return removed.code() == Status::Code::kNotFound ? Status::ok() : removed;
}

// Leftovers of killed runs, found by their labels: a helper of a run that
// is still going (an apply beside this plan) stays.
Status remove_leftovers(docker::Client& client, const docker::Owner& owner) {
  auto helpers = client.list_containers(owner.labels());
  if (!helpers) return helpers.status();
  for (const auto& helper : *helpers) {
    if (!is_leftover(helper.labels, owner)) continue;
    if (auto s = remove_quietly(client, helper.id); !s) return s;
  }
  return Status::ok();
}

// What is at the helper's own name: nothing, a leftover (removed), or
// what is refused, naming it.
Status clear_name(docker::Client& client, const std::string& name, const docker::Owner& owner) {
  auto there = client.inspect_container(name);
  if (!there) return there.status();
  if (!there->has_value()) return Status::ok();
  if (is_leftover((*there)->labels, owner)) return remove_quietly(client, (*there)->id);
  if (!docker::owned_by((*there)->labels, owner))
    return docker::not_ours(kContainerKind, name, (*there)->labels, owner);
  auto run = (*there)->labels.find(docker::kRunLabel);
  return Status::conflict(kContainerKind + std::string(" ") + name + " is in use by another pgdecl run (" +
                          run->second + "); try again once it has finished");
}

}  // namespace

Result<std::string> create_helper_container(NodeContext& context, const std::string& replica,
                                            const std::string& helper, docker::ContainerConfig config,
                                            const std::vector<std::string>& volumes) {
  return create_helper_container_of(context, std::string(resource_type::kReplica) + "." + replica, helper,
                                    std::move(config), volumes);
}

Result<std::string> create_helper_container_of(NodeContext& context, const std::string& owner_address,
                                               const std::string& helper, docker::ContainerConfig config,
                                               const std::vector<std::string>& volumes) {
  const docker::Owner owner = context.docker.owner_of(owner_address, helper);
  for (const auto& volume : volumes) {
    if (auto s = context.docker.check_volume_before_mount(volume); !s) return s;
  }
  auto& client = context.docker.client();
  if (auto s = remove_leftovers(client, owner); !s) return s;
  if (auto s = clear_name(client, config.name, owner); !s) return s;
  config.labels = owner.labels();
  config.labels[docker::kRunLabel] = docker::run_label(docker::this_run());
  auto id = client.create_container(config);
  if (id || id.status().code() != Status::Code::kConflict) return id;
  // Made at that name since we looked: say whose it is.
  auto there = client.inspect_container(config.name);
  if (!there || !there->has_value()) return id;
  return docker::not_ours(kContainerKind, config.name, (*there)->labels, owner);
}

}  // namespace pgdecl::pg
