#include "providers/postgres/node_sessions.h"

namespace pgdecl::pg {

NodeSessions::Node& NodeSessions::node(const std::string& name) const {
  std::lock_guard lock(nodes_mutex_);
  auto& slot = nodes_[name];
  if (!slot) slot = std::make_unique<Node>();
  return *slot;
}

void NodeSessions::set_port(const std::string& name, int port) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.port != port) n.connection.reset();
  n.port = port;
}

std::optional<int> NodeSessions::port(const std::string& name) const {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.port == 0) return std::nullopt;
  return n.port;
}

void NodeSessions::invalidate(const std::string& name) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  n.connection.reset();
}

Status NodeSessions::with_connection(const std::string& name, Clock::time_point deadline,
                                     const std::function<Status(Connection&)>& work,
                                     const std::function<Status()>& still_worth_waiting) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.port == 0) return Status::unavailable("node " + name + " has no published port yet");
  if (n.connection && !n.connection->healthy()) n.connection.reset();
  if (!n.connection) {
    Endpoint endpoint{"127.0.0.1", n.port, superuser_, "postgres"};
    auto opened = Clock::now() >= deadline
                      ? Connection::open(endpoint, password_)
                      : Connection::open_with_retry(endpoint, password_, deadline, still_worth_waiting);
    if (!opened) return opened.status();
    n.connection = std::move(*opened);
  }
  return work(*n.connection);
}

}  // namespace pgdecl::pg
