#include "providers/docker/cluster_snapshot.h"

#include "engine/core/address.h"
#include "engine/resources/naming.h"

namespace pgdecl::docker {
namespace {

constexpr const char* kContainerKind = "container";
constexpr const char* kNetworkKind = "network";
constexpr const char* kVolumeKind = "volume";

template <typename T>
std::optional<T> by_name(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items) {
    if (item.name == name) return item;
  }
  return std::nullopt;
}

// Labels of whatever Docker holds at `name`, or nothing.
Result<std::optional<Labels>> labels_at(Client& client, const std::string& kind, const std::string& name) {
  auto labels_of = [](const auto& found) -> Result<std::optional<Labels>> {
    if (!found) return found.status();
    if (!found->has_value()) return std::optional<Labels>();
    return std::optional<Labels>((*found)->labels);
  };
  if (kind == kContainerKind) return labels_of(client.inspect_container(name));
  if (kind == kNetworkKind) return labels_of(client.inspect_network(name));
  return labels_of(client.inspect_volume(name));
}

// One of ours, unless its labels say another resource of ours: then the
// refusal (two resources of one cluster at one name).
template <typename T>
Result<std::optional<T>> checked(const std::string& kind, std::optional<T> found, const Owner& owner) {
  if (!found) return std::optional<T>();
  if (auto s = require_owned(kind, found->name, found->labels, owner); !s) return s;
  return found;
}

}  // namespace

Labels ClusterSnapshot::labels_for(const std::string& address) const { return owner_of(address).labels(); }

Owner ClusterSnapshot::owner_of(const std::string& address, const std::string& helper) const {
  return Owner{cluster_, address, helper};
}

std::string ClusterSnapshot::docker_name(const std::string& name) const {
  return engine::docker_name(cluster_, name);
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

Status ClusterSnapshot::foreign_check_locked(const std::string& kind, const std::string& name,
                                             const Owner& owner) {
  const std::string key = kind + " " + name;
  if (auto known = checked_names_.find(key); known != checked_names_.end()) return known->second;
  auto labels = labels_at(client_, kind, name);
  if (!labels) return labels.status();
  Status verdict = labels->has_value() ? not_ours(kind, name, **labels, owner) : Status::ok();
  checked_names_[key] = verdict;
  return verdict;
}

Result<std::optional<ContainerInfo>> ClusterSnapshot::container(const std::string& node) {
  const std::string name = docker_name(node);
  const Owner owner = owner_of(std::string(resource_type::kContainer) + "." + node);
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  auto found = by_name(containers_, name);
  if (!found) {
    if (auto s = foreign_check_locked(kContainerKind, name, owner); !s) return s;
  }
  return checked(kContainerKind, std::move(found), owner);
}

Result<std::optional<NetworkInfo>> ClusterSnapshot::network(const std::string& network) {
  const std::string name = docker_name(network);
  const Owner owner = owner_of(std::string(resource_type::kNetwork) + "." + network);
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  auto found = by_name(networks_, name);
  if (!found) {
    if (auto s = foreign_check_locked(kNetworkKind, name, owner); !s) return s;
  }
  return checked(kNetworkKind, std::move(found), owner);
}

Result<std::optional<VolumeInfo>> ClusterSnapshot::volume(const std::string& volume) {
  const std::string name = docker_name(volume);
  const Owner owner = owner_of(std::string(resource_type::kVolume) + "." + volume);
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  auto found = by_name(volumes_, name);
  if (!found) {
    if (auto s = foreign_check_locked(kVolumeKind, name, owner); !s) return s;
  }
  return checked(kVolumeKind, std::move(found), owner);
}

Status ClusterSnapshot::check_volume_before_mount(const std::string& volume) {
  const std::string name = docker_name(volume);
  auto found = client_.inspect_volume(name);
  if (!found) return found.status();
  if (!found->has_value()) {
    return Status::failed("volume " + name + " does not exist: pgdecl mounts only a volume it made (Docker " +
                          "would make an unlabelled one)");
  }
  return require_owned(kVolumeKind, name, (*found)->labels,
                       owner_of(std::string(resource_type::kVolume) + "." + volume));
}

Status ClusterSnapshot::check_network_before_use(const std::string& network) {
  const std::string name = docker_name(network);
  auto found = client_.inspect_network(name);
  if (!found) return found.status();
  if (!found->has_value()) return Status::failed("network " + name + " does not exist");
  return require_owned(kNetworkKind, name, (*found)->labels,
                       owner_of(std::string(resource_type::kNetwork) + "." + network));
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
  checked_names_.clear();
}

}  // namespace pgdecl::docker
