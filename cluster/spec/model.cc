#include "cluster/spec/model.h"

namespace pgdecl::spec {

namespace {

// The spec's order: the `master:` block, then the replicas.
std::vector<const NodeSpec*> as_written(const ClusterSpec& spec) {
  std::vector<const NodeSpec*> all{&spec.master};
  for (const auto& replica : spec.replicas) all.push_back(&replica);
  return all;
}

}  // namespace

const NodeSpec& ClusterSpec::primary() const {
  for (const NodeSpec* node : as_written(*this)) {
    if (node->role == NodeRole::kMaster) return *node;
  }
  return master;  // validation makes one node the master
}

std::vector<const NodeSpec*> ClusterSpec::nodes() const {
  std::vector<const NodeSpec*> all{&primary()};
  for (const NodeSpec* node : as_written(*this)) {
    if (node != all.front()) all.push_back(node);
  }
  return all;
}

std::vector<const NodeSpec*> ClusterSpec::replica_nodes() const {
  std::vector<const NodeSpec*> out;
  for (const NodeSpec* node : as_written(*this)) {
    if (node->role == NodeRole::kReplica) out.push_back(node);
  }
  return out;
}

const NodeSpec* ClusterSpec::find_node(const std::string& node_name) const {
  for (const NodeSpec* node : as_written(*this)) {
    if (node->name == node_name) return node;
  }
  return nullptr;
}

bool ClusterSpec::is_master(const std::string& node_name) const {
  const NodeSpec* node = find_node(node_name);
  return node && node->role == NodeRole::kMaster;
}

void make_primary(ClusterSpec& spec, const std::string& node) {
  auto role_for = [&](const NodeSpec& each) {
    return each.name == node ? NodeRole::kMaster : NodeRole::kReplica;
  };
  spec.master.role = role_for(spec.master);
  for (auto& replica : spec.replicas) replica.role = role_for(replica);
}

ClusterSpec with_primary(const ClusterSpec& spec, const std::string& node) {
  ClusterSpec out = spec;
  make_primary(out, node);
  return out;
}

}  // namespace pgdecl::spec
