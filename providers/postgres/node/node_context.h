#pragma once

#include <map>
#include <memory>

#include "cluster/render/config_secrets.h"
#include "cluster/spec/model.h"
#include "engine/provider/provider.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/postgres/node/master_replication.h"
#include "providers/postgres/session/node_sessions.h"

namespace pgdecl::pg {

// What the PostgreSQL-side providers share in one run.
struct NodeContext {
  docker::ClusterSnapshot& docker;
  const spec::ClusterSpec& spec;
  NodeSessions& sessions;
  // How long an apply waits for a server to accept connections and for a
  // replica to stream (apply --timeout).
  std::chrono::seconds ready_timeout{120};
  // The spec's role passwords (or their SCRAM verifiers) by role name, or
  // why one could not be had; a role reports that when it is read.
  std::map<std::string, Result<Secret>> role_passwords{};
  // The spec's secrets in config files (engine::config_secret_keys), or why
  // one could not be had, reported as role passwords are.
  std::map<std::string, Result<Secret>> config_secrets{};
  // A destroy reads what is there without needing the spec's secrets: one
  // that cannot be had (a variable not set) does not stop it. What would be
  // compared with it shows as not the spec's.
  bool secrets_optional = false;
  MasterReplicationCache master_replication{};
};

// The spec of a node by name: a replica's, or else the master's.
const spec::NodeSpec& node_spec(const spec::ClusterSpec& spec, const std::string& node);

// The values of every secret the node's config files hold, or why one
// could not be had.
Result<engine::ConfigSecrets> node_config_secrets(const NodeContext& context, const std::string& node);

}  // namespace pgdecl::pg
