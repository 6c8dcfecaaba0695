#include "cluster/spec/model.h"

namespace pgdecl::spec {

const NodeSpec* ClusterSpec::find_node(const std::string& node_name) const {
  if (master.name == node_name) return &master;
  for (const auto& replica : replicas) {
    if (replica.name == node_name) return &replica;
  }
  return nullptr;
}

bool ClusterSpec::is_master(const std::string& node_name) const {
  const NodeSpec* node = find_node(node_name);
  return node && node->role == NodeRole::kMaster;
}

}  // namespace pgdecl::spec
