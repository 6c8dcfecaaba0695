#include "providers/postgres/node_sessions.h"

namespace pgdecl::pg {

NodeSessions::Node& NodeSessions::node(const std::string& name) const {
  std::lock_guard lock(nodes_mutex_);
  auto& slot = nodes_[name];
  if (!slot) slot = std::make_unique<Node>();
  return *slot;
}

void NodeSessions::set_endpoint(const std::string& name, const NodeAddress& address) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (!(n.address == address)) n.connection.reset();
  n.address = address;
}

std::optional<int> NodeSessions::port(const std::string& name) const {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.address.port == 0) return std::nullopt;
  return n.address.port;
}

void NodeSessions::invalidate(const std::string& name) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  n.connection.reset();
}

void NodeSessions::refresh_address(const std::string& name, Node& n) const {
  if (!lookup_) return;
  if (auto now = lookup_(name)) n.address = *now;
}

// Waiting for a server that Docker has meanwhile published elsewhere (its
// container started again) stops at once, to connect where it is now.
Result<std::unique_ptr<Connection>> NodeSessions::open(
    const std::string& name, Node& n, Clock::time_point deadline,
    const std::function<Status()>& still_worth_waiting) const {
  Endpoint endpoint{n.address.host, n.address.port, superuser_, "postgres"};
  if (Clock::now() >= deadline) return Connection::open(endpoint, password_);
  auto not_moved = [&]() -> Status {
    if (still_worth_waiting) {
      if (Status s = still_worth_waiting(); !s) return s;
    }
    if (!lookup_) return Status::ok();
    auto now = lookup_(name);
    if (!now || *now == n.address) return Status::ok();
    return Status::unavailable("node " + name + " is now published at " + now->host + ":" +
                               std::to_string(now->port));
  };
  return Connection::open_with_retry(endpoint, password_, deadline, not_moved);
}

Status NodeSessions::with_connection(const std::string& name, Clock::time_point deadline,
                                     const std::function<Status(Connection&)>& work,
                                     const std::function<Status()>& still_worth_waiting) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.connection && !n.connection->healthy()) n.connection.reset();
  if (!n.connection) {
    refresh_address(name, n);
    if (n.address.port == 0) return Status::unavailable("node " + name + " has no published port yet");
    auto opened = open(name, n, deadline, still_worth_waiting);
    const NodeAddress tried = n.address;
    // Once more where Docker shows it now, when that is somewhere else.
    if (!opened && lookup_) {
      refresh_address(name, n);
      if (!(n.address == tried)) opened = open(name, n, deadline, still_worth_waiting);
    }
    if (!opened) return opened.status();
    n.connection = std::move(*opened);
  }
  return work(*n.connection);
}

}  // namespace pgdecl::pg
