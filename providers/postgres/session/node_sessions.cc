#include "providers/postgres/session/node_sessions.h"

#include "providers/postgres/session/node_identity.h"

namespace pgdecl::pg {

Result<std::unique_ptr<SqlSession>> NodeSessions::open_over_libpq(
    const Endpoint& endpoint, const Secret& password, Clock::time_point deadline,
    const std::function<Status()>& still_worth_waiting, const ConnectionLimits& limits) {
  auto opened = Clock::now() >= deadline
                    ? Connection::open(endpoint, password, limits)
                    : Connection::open_with_retry(endpoint, password, deadline, still_worth_waiting, limits);
  if (!opened) return opened.status();
  return std::unique_ptr<SqlSession>(std::move(*opened));
}

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
  n.given_up.reset();
}

void NodeSessions::ask_again(const std::string& name) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  n.given_up.reset();
}

void NodeSessions::refresh_address(const std::string& name, Node& n) const {
  if (!lookup_) return;
  if (auto now = lookup_(name)) n.address = *now;
}

Status NodeSessions::with_connection(const std::string& name, Clock::time_point deadline,
                                     const std::function<Status(SqlSession&)>& work,
                                     const std::function<Status()>& still_worth_waiting) {
  Node& n = node(name);
  std::lock_guard lock(n.mutex);
  if (n.given_up) return *n.given_up;
  if (n.connection && !n.connection->still_open()) n.connection.reset();
  if (!n.connection) {
    refresh_address(name, n);
    if (n.address.port == 0) return Status::unavailable("node " + name + " has no published port yet");
    const NodeAddress tried = n.address;
    Status opened = open(n, name, deadline, still_worth_waiting);
    // Once more where Docker shows it now, when that is somewhere else.
    if (!opened && lookup_) {
      refresh_address(name, n);
      if (!(n.address == tried)) opened = open(n, name, deadline, still_worth_waiting);
    }
    if (!opened) return remember(n, opened);
  }
  Status done = work(*n.connection);
  if (done.code() == Status::Code::kTimeout && !n.connection->healthy())
    return remember(n, done.with_context("node " + name));
  return done;
}

// Waiting for a server that Docker has meanwhile published elsewhere (its
// container started again) stops at once, to connect where it is now.
Status NodeSessions::open(Node& n, const std::string& name, Clock::time_point deadline,
                          const std::function<Status()>& still_worth_waiting) {
  const Endpoint endpoint{n.address.host, n.address.port, superuser_, "postgres"};
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
  auto opened = opener_(endpoint, password_, deadline, not_moved, limits_);
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
  with_connection(name, Clock::now(), [&](SqlSession&) {
    seen = node(name).system_identifier;
    return Status::ok();
  });
  return seen;
}

}  // namespace pgdecl::pg
