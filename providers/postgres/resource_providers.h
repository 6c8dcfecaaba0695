#pragma once

#include <map>
#include <memory>
#include <set>

#include "engine/provider/provider.h"
#include "engine/resources/config_secrets.h"
#include "engine/spec/model.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/postgres/copy_group.h"
#include "providers/postgres/master_replication.h"
#include "providers/postgres/node_sessions.h"
#include "providers/postgres/start_gate.h"

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
  // why one could not be had; a role reports that when it is read, so a
  // missing variable stops a plan but not a destroy.
  std::map<std::string, Result<Secret>> role_passwords{};
  // The spec's secrets in config files (engine::config_secret_keys), or why
  // one could not be had, reported as role passwords are.
  std::map<std::string, Result<Secret>> config_secrets{};
  MasterReplicationCache master_replication{};
  StartGate master_started{};
  CopyGroup new_copies{};
  // Replicas whose pg_replica step in this apply mends their data or
  // password file, or refuses to copy over their data: their containers do
  // not wait for them to stream.
  std::set<std::string> replicas_mended{};
};

// The spec of a node by name: a replica's, or else the master's.
const spec::NodeSpec& node_spec(const spec::ClusterSpec& spec, const std::string& node);

// The values of every secret the node's config files hold, or why one
// could not be had.
Result<engine::ConfigSecrets> node_config_secrets(const NodeContext& context, const std::string& node);

// docker_container.<node>: a PostgreSQL server in a container, started
// without any image entrypoint, initialised once, reported ready only when
// it accepts connections.
std::unique_ptr<engine::ResourceProvider> make_node_container_provider(NodeContext& context);
// pg_connection.<node>: not a resource but a gate (ResourceProvider::is_gate)
// that what runs on a node passes once its server accepts connections.
std::unique_ptr<engine::ResourceProvider> make_connection_gate(NodeContext& context);
// pg_hba.<node> and pg_settings.<node>.
std::unique_ptr<engine::ResourceProvider> make_hba_provider(NodeContext& context);
std::unique_ptr<engine::ResourceProvider> make_settings_provider(NodeContext& context);
// pg_role.<name> and pg_database.<name>, on the master.
std::unique_ptr<engine::ResourceProvider> make_role_provider(NodeContext& context);
std::unique_ptr<engine::ResourceProvider> make_database_provider(NodeContext& context);
// pg_slot.<replica>: the replica's physical slot on the master.
std::unique_ptr<engine::ResourceProvider> make_slot_provider(NodeContext& context);
// pg_replica.<replica>: the replica's data, copied from the master by
// pg_basebackup, and whose cluster it belongs to.
std::unique_ptr<engine::ResourceProvider> make_replica_provider(NodeContext& context);

}  // namespace pgdecl::pg
