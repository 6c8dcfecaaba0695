#include "providers/postgres/node_sessions.h"

#include "providers/postgres/node_identity.h"

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
  n.given_up.reset();
}

void NodeSessions::ask_again(const std::string& name) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  n.given_up.reset();
}

Status NodeSessions::with_connection(const std::string& name, Clock::time_point deadline,
                                     const std::function<Status(Connection&)>& work,
                                     const std::function<Status()>& still_worth_waiting) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.port == 0) return Status::unavailable("node " + name + " has no published port yet");
  if (n.given_up) return *n.given_up;
  if (n.connection && !n.connection->healthy()) n.connection.reset();
  if (!n.connection) {
    Endpoint endpoint{"127.0.0.1", n.port, superuser_, "postgres"};
    if (auto s = open(n, name, endpoint, deadline, still_worth_waiting); !s) return remember(n, s);
  }
  Status done = work(*n.connection);
  if (done.code() == Status::Code::kTimeout && !n.connection->healthy())
    return remember(n, done.with_context("node " + name));
  return done;
}

Status NodeSessions::open(Node& n, const std::string& name, const Endpoint& endpoint,
                          Clock::time_point deadline, const std::function<Status()>& still_worth_waiting) {
  auto opened = Clock::now() >= deadline ? Connection::open(endpoint, password_, limits_)
                                         : Connection::open_with_retry(endpoint, password_, deadline,
                                                                       still_worth_waiting, limits_);
  // A server refused for how it signs pgdecl in is named with its node.
  if (!opened && opened.status().code() != Status::Code::kUnavailable)
    return opened.status().with_context("node " + name);
  if (!opened) return opened.status();
  auto identity = read_node_identity(**opened);
  const std::string address = endpoint.host + ":" + std::to_string(endpoint.port);
  Status same = identity ? judge_node_identity(name, address, *identity, n.expected_system_identifier)
                         : identity.status();
  if (!same) return same.with_context("node " + name);
  n.system_identifier = identity->system_identifier;
  n.connection = std::move(*opened);
  return Status::ok();
}

Status NodeSessions::remember(Node& n, Status status) {
  // A server refused (how it signs pgdecl in, who it is) or silent stays
  // so for the run: asking again would cost a connection, or a wait, each.
  if (status.code() == Status::Code::kTimeout || status.code() == Status::Code::kFailed) n.given_up = status;
  return status;
}

void NodeSessions::expect_system_identifier(const std::string& name, std::optional<std::string> identifier) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  n.expected_system_identifier = std::move(identifier);
}

std::optional<std::string> NodeSessions::system_identifier(const std::string& name) {
  std::optional<std::string> seen;
  with_connection(name, Clock::now(), [&](Connection&) {
    seen = node(name).system_identifier;
    return Status::ok();
  });
  return seen;
}

}  // namespace pgdecl::pg
