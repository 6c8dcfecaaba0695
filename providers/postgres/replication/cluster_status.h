#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// What `pgdecl status` reports, read live from Docker and from the master
// and never from the state: the state says what pgdecl made, this says
// what runs now. Reading it changes nothing.

struct ContainerStatus {
  std::string state = "missing";         // Docker's state (running, exited, ...) or missing
  std::optional<std::string> published;  // host address:port of PostgreSQL's port
};

struct SlotStatus {
  std::string name;
  bool exists = false;
  bool active = false;
};

// A replica as the master sees it: its WAL sender in pg_stat_replication
// (the row whose application_name is the replica's name) and its slot.
struct ReplicaView {
  std::optional<std::string> state;  // streaming, catchup, startup, ...; nullopt: not connected
  std::optional<long long> lag_bytes;
  std::optional<double> lag_seconds;
  std::optional<SlotStatus> slot;  // only when the spec's replication.slots is on
};

struct NodeStatus {
  std::string name;
  bool is_master = false;
  ContainerStatus container;
  // The master only: nullopt when it accepts connections; else why it
  // cannot be asked, short enough for a table cell, with the full error
  // (when there is one) in `error`.
  std::optional<std::string> unreachable;
  std::string error;
  // A replica only: nullopt when the master could not be asked.
  std::optional<ReplicaView> replication;
};

struct RoleStatus {
  std::string name;
  bool wanted = true;                 // ensure: present
  std::optional<bool> on_the_master;  // nullopt: the master could not be asked
};

struct ClusterStatus {
  std::string cluster;
  bool slots = false;             // the spec's replication.slots: whether replicas have one
  std::vector<NodeStatus> nodes;  // the master first, then the replicas in spec order
  std::vector<RoleStatus> roles;  // the spec's, in spec order
};

// Containers from Docker, everything else from one connection to the
// master on its published port. An unreachable master is part of the
// answer; only a Docker failure is an error.
Result<ClusterStatus> read_cluster_status(NodeContext& context);

// Healthy means the master accepts connections and every replica streams
// from it. Each problem is one line naming the node, empty when healthy.
std::vector<std::string> health_problems(const ClusterStatus& status);

}  // namespace pgdecl::pg
