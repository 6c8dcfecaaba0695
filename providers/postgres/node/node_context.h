#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>

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
  // Told by a switchover once `node` takes writes: the run's roles follow it
  // from then on (the spec above is the one it changes).
  std::function<void(const std::string& node)> primary_moved{};
  // What a long-running reconcile knows from its earlier reads: the last
  // WAL position the primary answered with, and since when it has not
  // answered (a stopped container says so itself).
  std::optional<long long> last_primary_lsn{};
  std::optional<std::chrono::system_clock::time_point> primary_unanswered_since{};
  // apply --force: a failover goes ahead when the old primary cannot be
  // fenced, or when the replica it promotes lags beyond ha.max_lag.
  bool force = false;
  // How a change that takes the primary down moves writes away first
  // (pg::with_writes_moved_away, wired in from providers/postgres/ha): the
  // change's status, or nullopt when it is to be made in place.
  std::function<std::optional<Status>(const std::function<Status()>& change)> move_writes_away{};
  // With a restore section: fills the primary's volume from the backup
  // before its container is made (pg::restore_primary, wired in from
  // providers/postgres/backup). Nothing is done to a volume with data.
  std::function<Status(const std::string& node)> restore_primary{};
  // Backups pg_verifybackup passed in this run: a restore's plan checks
  // its backup, and the apply of that plan does not read it all again.
  std::set<std::string> verified_backups{};
};

// The spec of a node by name: a replica's, or else the master's.
const spec::NodeSpec& node_spec(const spec::ClusterSpec& spec, const std::string& node);

// The replication user's password, for a connection that streams or
// copies (a replica's copy, the archiver, a backup), or why it is missing.
Result<const Secret*> replication_password(NodeContext& context);

// The values of every secret the node's config files hold, or why one
// could not be had.
Result<engine::ConfigSecrets> node_config_secrets(const NodeContext& context, const std::string& node);

}  // namespace pgdecl::pg
