#include "providers/postgres/node/container_common.h"

#include "providers/docker/ownership.h"

namespace pgdecl::pg {

std::string label_of(const docker::ContainerInfo& info, const char* key) {
  auto found = info.labels.find(key);
  return found == info.labels.end() ? "" : found->second;
}

Result<std::string> image_shown(docker::ClusterSnapshot& snapshot, const docker::ContainerInfo& info) {
  const std::string tag = label_of(info, kImageLabel);
  auto image = snapshot.image(tag);
  if (!image) return image.status();
  const bool current = image->has_value() && (*image)->id == info.image_id;
  return current ? tag : tag + " (the container runs an older image)";
}

Status refusal_at_name(NodeContext& context, const Status& failed, const std::string& name,
                       const Address& address) {
  if (failed.code() != Status::Code::kConflict) return failed;
  auto there = context.docker.client().inspect_container(name);
  if (!there || !there->has_value()) return failed;
  return docker::not_ours("container", name, (*there)->labels, context.docker.owner_of(address.to_string()));
}

Status stop_and_remove(NodeContext& context, const std::string& id, int timeout_seconds) {
  auto& client = context.docker.client();
  auto stopped = client.stop_container(id, timeout_seconds);
  if (!stopped && stopped.code() != Status::Code::kNotFound) return stopped;
  auto removed = client.remove_container(id, true);
  context.docker.invalidate();
  if (!removed && removed.code() != Status::Code::kNotFound) return removed;
  return Status::ok();
}

}  // namespace pgdecl::pg
