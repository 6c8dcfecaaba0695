#include "providers/postgres/replication/cluster_status.h"

#include <map>
#include <set>

#include "cluster/layout/naming.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/node/master_replication.h"
#include "providers/postgres/node/published_address.h"
#include "providers/postgres/node/replica_health.h"

namespace pgdecl::pg {
namespace {

constexpr const char* kRolesSql = "select rolname from pg_roles";

// What the master says, asked once.
struct MasterAnswers {
  std::map<std::string, ReplicaView> senders;  // by application_name
  std::map<std::string, bool> slots;           // slot name -> active
  std::set<std::string> roles;
};

ContainerStatus container_status(const std::optional<docker::ContainerInfo>& info) {
  ContainerStatus status;
  if (!info) return status;
  status.state = info->state;
  // A stopped container's binding is only the one it asked for (port 0:
  // "Docker picks"); nothing listens there.
  if (info->running() && info->published && info->published->host_port != 0)
    status.published = info->published->host_ip + ":" + std::to_string(info->published->host_port);
  return status;
}

// libpq's errors run over several lines; a status line is one.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  std::string squeezed;
  for (char c : text) {
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
  }
  while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
  return squeezed;
}

// The same reading of the master's replication as apply's health gate, so
// status and apply agree on which sender speaks for a replica.
Status read_answers(SqlSession& c, MasterAnswers& answers) {
  auto replication = read_master_replication(c);
  if (!replication) return replication.status();
  for (const auto& [name, stream] : replication->senders) {
    answers.senders[name] = ReplicaView{stream.state, stream.lag_bytes, stream.lag_seconds, std::nullopt};
  }
  for (const auto& [name, slot] : replication->slots) answers.slots[name] = slot.active;
  auto roles = c.query(kRolesSql);
  if (!roles) return roles.status();
  for (const auto& row : roles->rows) answers.roles.insert(row[0].value_or(""));
  return Status::ok();
}

// Asks the master on its published port, once and without waiting: a
// status is a snapshot, and a server that is still starting is reported
// as such rather than waited for.
std::optional<MasterAnswers> ask_master(NodeContext& context,
                                        const std::optional<docker::ContainerInfo>& info,
                                        NodeStatus& master) {
  if (!info) {
    master.unreachable = "container missing";
    return std::nullopt;
  }
  if (!info->running()) {
    master.unreachable = "container " + info->state;
    return std::nullopt;
  }
  if (!info->published || info->published->host_port == 0) {
    master.unreachable = "no published port";
    return std::nullopt;
  }
  context.sessions.set_endpoint(master.name, *published_address(*info));
  MasterAnswers answers;
  Status asked = context.sessions.with_connection(master.name, Clock::now(),
                                                  [&](SqlSession& c) { return read_answers(c, answers); });
  if (!asked) {
    master.unreachable = asked.code() == Status::Code::kFailed ? "query failed" : "not accepting connections";
    master.error = one_line(asked.message());
    return std::nullopt;
  }
  return answers;
}

ReplicaView replica_view(const ClusterStatus& status, const MasterAnswers& answers,
                         const std::string& replica) {
  auto sender = answers.senders.find(replica);
  ReplicaView view = sender == answers.senders.end() ? ReplicaView{} : sender->second;
  if (status.slots) {
    SlotStatus slot{engine::slot_name(replica)};
    auto found = answers.slots.find(slot.name);
    slot.exists = found != answers.slots.end();
    slot.active = slot.exists && found->second;
    view.slot = slot;
  }
  return view;
}

}  // namespace

Result<ClusterStatus> read_cluster_status(NodeContext& context) {
  const spec::ClusterSpec& spec = context.spec;
  ClusterStatus status;
  status.cluster = spec.name;
  status.slots = spec.replication.slots;

  std::vector<std::optional<docker::ContainerInfo>> containers;
  for (const auto* spec_node : spec.nodes()) {
    const std::string& name = spec_node->name;
    auto info = context.docker.container(name);
    if (!info) return info.status();
    NodeStatus node;
    node.name = name;
    node.is_master = spec.is_master(name);
    node.container = container_status(*info);
    status.nodes.push_back(std::move(node));
    containers.push_back(std::move(*info));
  }

  auto answers = ask_master(context, containers.front(), status.nodes.front());
  for (auto& node : status.nodes) {
    if (!node.is_master && answers) node.replication = replica_view(status, *answers, node.name);
  }
  for (const auto& role : spec.roles) {
    RoleStatus shown{role.name, role.present, std::nullopt};
    if (answers) shown.on_the_master = answers->roles.count(role.name) > 0;
    status.roles.push_back(shown);
  }
  return status;
}

std::vector<std::string> health_problems(const ClusterStatus& status) {
  std::vector<std::string> problems;
  for (const auto& node : status.nodes) {
    if (node.is_master) {
      if (node.unreachable)
        problems.push_back(node.name + ": " + *node.unreachable +
                           (node.error.empty() ? "" : ": " + node.error));
      continue;
    }
    if (!node.replication) {
      problems.push_back(node.name + ": unknown, the master cannot be asked");
    } else if (!node.replication->state) {
      // The replica's own container is the likeliest reason, and the one
      // the user can check first.
      std::string container =
          node.container.state == "running" ? "" : " (its container is " + node.container.state + ")";
      problems.push_back(node.name + ": not connected to the master" + container);
    } else if (*node.replication->state != "streaming") {
      problems.push_back(node.name + ": " + *node.replication->state + ", not streaming yet");
    } else if (node.replication->slot && !node.replication->slot->active) {
      // The same bar as apply's: streaming through its slot, not far behind.
      problems.push_back(node.name + ": streaming, but not through its slot " + node.replication->slot->name +
                         (node.replication->slot->exists ? " (inactive)" : " (missing)"));
    } else if (node.replication->lag_bytes && *node.replication->lag_bytes >= kHealthyLagBytes) {
      problems.push_back(node.name + ": " + std::to_string(*node.replication->lag_bytes) +
                         " bytes behind the master");
    }
  }
  return problems;
}

}  // namespace pgdecl::pg
