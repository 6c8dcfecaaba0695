#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/secret.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

// Where a node's server can be reached from here: the address and port
// Docker published its 5432 on.
struct NodeAddress {
  std::string host;
  int port = 0;
  bool operator==(const NodeAddress&) const = default;
};

// One connection per node per run, shared by every resource on that node
// and used by one of them at a time. The node's container tells where the
// server listens once it has read or started it.
class NodeSessions {
 public:
  static Result<std::unique_ptr<SqlSession>> open_over_libpq(
      const Endpoint& endpoint, const Secret& password, Clock::time_point deadline,
      const std::function<Status()>& still_worth_waiting, const ConnectionLimits& limits);

  NodeSessions(std::string superuser, Secret password)
      : superuser_(std::move(superuser)), password_(std::move(password)) {}

  // How long to wait on a server (the run's --timeout).
  void set_limits(const ConnectionLimits& limits) { limits_ = limits; }
  // How a session to a server is opened: over libpq (Connection), waiting
  // until `deadline` unless it has passed; a test gives a fake's instead.
  using Opener = std::function<Result<std::unique_ptr<SqlSession>>(
      const Endpoint&, const Secret& password, Clock::time_point deadline,
      const std::function<Status()>& still_worth_waiting, const ConnectionLimits&)>;
  void set_opener(Opener opener) { opener_ = std::move(opener); }
  void set_endpoint(const std::string& node, const NodeAddress& address);
  std::optional<int> port(const std::string& node) const;
  // Asks Docker where a node is published now. A port Docker picked
  // changes whenever the container starts again, so it is asked before
  // every new connection and while one is being waited for.
  using AddressLookup = std::function<std::optional<NodeAddress>(const std::string& node)>;
  void set_address_lookup(AddressLookup lookup) { lookup_ = std::move(lookup); }
  // Forgets the connection (after a restart, say), and that the server
  // did not answer; the next use reconnects.
  void invalidate(const std::string& node);
  // Forgets only that the node gave no answer or was refused: its server
  // was just (re)started, and is asked again.
  void ask_again(const std::string& node);

  // Runs `work` with the node's connection, connecting (with retries until
  // `deadline`) when there is none. Fails when the node has no known port.
  // Once the server has not answered in time (Code::kTimeout) or has been
  // refused (Code::kFailed), every later use fails the same way at once,
  // until invalidate(): a frozen server costs a run one wait, not one per
  // resource.
  Status with_connection(const std::string& node, Clock::time_point deadline,
                         const std::function<Status(SqlSession&)>& work,
                         const std::function<Status()>& still_worth_waiting = {});

  // The system identifier the state recorded for the node: a server that
  // holds other data is refused. nullopt: none is known (a new node, or one
  // whose data this apply makes anew).
  void expect_system_identifier(const std::string& node, std::optional<std::string> identifier);
  // The system identifier of the server seen on the node's connection,
  // which is opened (without waiting) when there is none.
  std::optional<std::string> system_identifier(const std::string& node);

  const Secret& password() const { return password_; }
  const std::string& superuser() const { return superuser_; }

 private:
  struct Node {
    std::mutex mutex;
    NodeAddress address;
    std::unique_ptr<SqlSession> connection;
    std::optional<Status> given_up;
    std::optional<std::string> expected_system_identifier;
    std::string system_identifier;
  };
  Node& node(const std::string& name) const;
  void refresh_address(const std::string& name, Node& n) const;
  // Keeps a refusal or a timeout, so later uses fail at once.
  static Status remember(Node& n, Status status);
  // Opens the node's connection where it is published and checks that the
  // server is that node.
  Status open(Node& n, const std::string& name, Clock::time_point deadline,
              const std::function<Status()>& still_worth_waiting);

  std::string superuser_;
  Secret password_;
  ConnectionLimits limits_{};
  AddressLookup lookup_;
  Opener opener_ = open_over_libpq;
  mutable std::mutex nodes_mutex_;
  mutable std::map<std::string, std::unique_ptr<Node>> nodes_;
};

}  // namespace pgdecl::pg
