#include "providers/docker/cluster_snapshot.h"

#include "cluster/layout/naming.h"
#include "engine/core/address.h"

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

Result<std::optional<Labels>> ClusterSnapshot::labels_at_locked(const std::string& kind,
                                                                const std::string& name) {
  const std::string key = kind + " " + name;
  if (auto known = checked_names_.find(key); known != checked_names_.end()) return known->second;
  auto labels = labels_at(client_, kind, name);
  if (!labels) return labels.status();
  checked_names_[key] = *labels;
  return *labels;
}

template <typename T>
Result<std::optional<T>> ClusterSnapshot::lookup_locked(const std::string& kind, const std::vector<T>& listed,
                                                        const std::string& name, const Owner& owner) {
  auto found = by_name(listed, name);
  if (found && owned_by(found->labels, owner)) return found;
  // Another resource's of this cluster, or, when the labelled lists lack
  // the name, whatever else is there: not this resource's.
  std::optional<Labels> labels;
  if (found) {
    labels = found->labels;
  } else {
    auto there = labels_at_locked(kind, name);
    if (!there) return there.status();
    labels = std::move(*there);
  }
  if (!labels) return std::optional<T>();
  if (!pass_over_foreign_) return not_ours(kind, name, *labels, owner);
  passed_over_.insert(kind + " " + name + " (" + whose(*labels, owner) + ")");
  return std::optional<T>();
}

Result<std::optional<ContainerInfo>> ClusterSnapshot::container(const std::string& node) {
  return container_of(std::string(resource_type::kContainer) + "." + node, node);
}

Result<std::optional<ContainerInfo>> ClusterSnapshot::container_of(const std::string& address,
                                                                   const std::string& name) {
  const Owner owner = owner_of(address);
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  return lookup_locked(kContainerKind, containers_, docker_name(name), owner);
}

Result<std::optional<NetworkInfo>> ClusterSnapshot::network(const std::string& network) {
  const Owner owner = owner_of(std::string(resource_type::kNetwork) + "." + network);
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  return lookup_locked(kNetworkKind, networks_, docker_name(network), owner);
}

Result<std::optional<VolumeInfo>> ClusterSnapshot::volume(const std::string& volume) {
  const Owner owner = owner_of(std::string(resource_type::kVolume) + "." + volume);
  std::lock_guard lock(mutex_);
  if (auto s = load_locked(); !s) return s;
  return lookup_locked(kVolumeKind, volumes_, docker_name(volume), owner);
}

void ClusterSnapshot::pass_over_foreign() {
  std::lock_guard lock(mutex_);
  pass_over_foreign_ = true;
}

std::vector<std::string> ClusterSnapshot::passed_over() const {
  std::lock_guard lock(mutex_);
  return {passed_over_.begin(), passed_over_.end()};
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
