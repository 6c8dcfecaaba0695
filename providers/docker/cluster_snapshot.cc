#include "providers/docker/cluster_snapshot.h"

#include "engine/resources/naming.h"

namespace pgdecl::docker {
namespace {

template <typename T>
std::optional<T> by_name(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items) {
    if (item.name == name) return item;
  }
  return std::nullopt;
}

}  // namespace

Labels ClusterSnapshot::labels_for(const std::string& address) const {
  return {{engine::kClusterLabel, cluster_}, {engine::kAddressLabel, address}};
}

Status ClusterSnapshot::load_locked() {
  if (loaded_) return Status::ok();
  Labels filter{{engine::kClusterLabel, cluster_}};
  auto containers = client_.list_containers(filter);
  if (!containers) return containers.status();
  auto networks = client_.list_networks(filter);
  if (!networks) return networks.status();
  auto volumes = client_.list_volumes(filter);
  if (!volumes) return volumes.status();
  containers_ = std::move(*containers);
  networks_ = std::move(*networks);
  volumes_ = std::move(*volumes);
  loaded_ = true;
  return Status::ok();
}

Result<std::optional<ContainerInfo>> ClusterSnapshot::container(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  return by_name(containers_, name);
}

Result<std::optional<NetworkInfo>> ClusterSnapshot::network(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  return by_name(networks_, name);
}

Result<std::optional<VolumeInfo>> ClusterSnapshot::volume(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  return by_name(volumes_, name);
}

Result<std::optional<ImageInfo>> ClusterSnapshot::image(const std::string& tag) {
  std::lock_guard lock(mutex_);
  auto found = images_.find(tag);
  if (found != images_.end()) return found->second;
  auto image = client_.inspect_image(tag);
  if (!image) return image.status();
  images_[tag] = *image;
  return *image;
}

void ClusterSnapshot::invalidate() {
  std::lock_guard lock(mutex_);
  loaded_ = false;
  images_.clear();
}

}  // namespace pgdecl::docker
