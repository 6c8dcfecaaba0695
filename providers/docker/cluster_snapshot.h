#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "providers/docker/client.h"

namespace pgdecl::docker {

// What Docker holds of one cluster, listed once per refresh with label
// filters, so reading N resources costs a few list calls rather than N
// inspects. Thread-safe; invalidate() after a change.
class ClusterSnapshot {
 public:
  ClusterSnapshot(Client& client, std::string cluster) : client_(client), cluster_(std::move(cluster)) {}

  Result<std::optional<ContainerInfo>> container(const std::string& name);
  Result<std::optional<NetworkInfo>> network(const std::string& name);
  Result<std::optional<VolumeInfo>> volume(const std::string& name);
  Result<std::optional<ImageInfo>> image(const std::string& tag);

  void invalidate();
  Client& client() { return client_; }
  const std::string& cluster() const { return cluster_; }
  Labels labels_for(const std::string& address) const;

 private:
  Status load_locked();

  Client& client_;
  std::string cluster_;
  std::mutex mutex_;
  bool loaded_ = false;
  std::vector<ContainerInfo> containers_;
  std::vector<NetworkInfo> networks_;
  std::vector<VolumeInfo> volumes_;
  std::map<std::string, std::optional<ImageInfo>> images_;
};

}  // namespace pgdecl::docker
