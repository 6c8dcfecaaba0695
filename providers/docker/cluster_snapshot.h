#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "providers/docker/client.h"
#include "providers/docker/ownership.h"

namespace pgdecl::docker {

// What Docker holds of one cluster, listed once per refresh with label
// filters, so reading N resources costs a few list calls rather than N
// inspects. Thread-safe; invalidate() after a change.
//
// Objects are looked up by the spec's names (node "master", volume "data"),
// at the Docker name pgdecl gives them ("<cluster>-master"). An object at
// that name that is not this resource's (another cluster's, or no
// pgdecl object at all) is an error naming it, never "not there": pgdecl
// would otherwise create over it, mount it or remove it.
class ClusterSnapshot {
 public:
  ClusterSnapshot(Client& client, std::string cluster) : client_(client), cluster_(std::move(cluster)) {}

  Result<std::optional<ContainerInfo>> container(const std::string& node);
  // The container at "<cluster>-<name>" that belongs to the resource at
  // `address` (the archiver's, say), not to a node.
  Result<std::optional<ContainerInfo>> container_of(const std::string& address, const std::string& name);
  Result<std::optional<NetworkInfo>> network(const std::string& network);
  Result<std::optional<VolumeInfo>> volume(const std::string& volume);
  Result<std::optional<ImageInfo>> image(const std::string& tag);

  // Asked of Docker now, not of the snapshot: just before a container is
  // created on them. A volume must exist and be this cluster's, as Docker
  // would otherwise make an unlabelled one on mount.
  Status check_volume_before_mount(const std::string& volume);
  Status check_network_before_use(const std::string& network);

  // For a destroy, which removes only what is this cluster's: an object
  // at a resource's name that is not this resource's is taken as not
  // there (nothing of ours is left to remove at that name), and noted.
  void pass_over_foreign();
  // What was passed over, one line each: "volume pg-data (it carries no
  // pgdecl.cluster label: pgdecl did not make it)".
  std::vector<std::string> passed_over() const;

  void invalidate();
  Client& client() { return client_; }
  const std::string& cluster() const { return cluster_; }
  Labels labels_for(const std::string& address) const;
  Owner owner_of(const std::string& address, const std::string& helper = "") const;
  std::string docker_name(const std::string& name) const;

 private:
  Status load_locked();
  // The labels of whatever is at a Docker name the labelled lists lack, or
  // nothing. Cached until invalidate().
  Result<std::optional<Labels>> labels_at_locked(const std::string& kind, const std::string& name);
  // The resource's object at `name` among `listed`: nothing, the object,
  // or, when another's is there, the refusal naming whose it is (or, in a
  // destroy, nothing, with the object noted).
  template <typename T>
  Result<std::optional<T>> lookup_locked(const std::string& kind, const std::vector<T>& listed,
                                         const std::string& name, const Owner& owner);

  Client& client_;
  std::string cluster_;
  mutable std::mutex mutex_;
  bool loaded_ = false;
  std::vector<ContainerInfo> containers_;
  std::vector<NetworkInfo> networks_;
  std::vector<VolumeInfo> volumes_;
  std::map<std::string, std::optional<ImageInfo>> images_;
  std::map<std::string, std::optional<Labels>> checked_names_;  // "<kind> <name>" -> labels there
  bool pass_over_foreign_ = false;
  std::set<std::string> passed_over_;
};

}  // namespace pgdecl::docker
