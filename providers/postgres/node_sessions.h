#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/secret.h"
#include "providers/postgres/connection.h"

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
  NodeSessions(std::string superuser, Secret password)
      : superuser_(std::move(superuser)), password_(std::move(password)) {}

  void set_endpoint(const std::string& node, const NodeAddress& address);
  std::optional<int> port(const std::string& node) const;
  // Asks Docker where a node is published now. A port Docker picked
  // changes whenever the container starts again, so it is asked before
  // every new connection and while one is being waited for.
  using AddressLookup = std::function<std::optional<NodeAddress>(const std::string& node)>;
  void set_address_lookup(AddressLookup lookup) { lookup_ = std::move(lookup); }
  // Forgets the connection (after a restart, say); the next use reconnects.
  void invalidate(const std::string& node);

  // Runs `work` with the node's connection, connecting (with retries until
  // `deadline`) when there is none. Fails when the node has no known port.
  Status with_connection(const std::string& node, Clock::time_point deadline,
                         const std::function<Status(Connection&)>& work,
                         const std::function<Status()>& still_worth_waiting = {});

  const Secret& password() const { return password_; }
  const std::string& superuser() const { return superuser_; }

 private:
  struct Node {
    std::mutex mutex;
    NodeAddress address;
    std::unique_ptr<Connection> connection;
  };
  Node& node(const std::string& name) const;
  void refresh_address(const std::string& name, Node& n) const;
  Result<std::unique_ptr<Connection>> open(const std::string& name, Node& n, Clock::time_point deadline,
                                           const std::function<Status()>& still_worth_waiting) const;

  std::string superuser_;
  Secret password_;
  AddressLookup lookup_;
  mutable std::mutex nodes_mutex_;
  mutable std::map<std::string, std::unique_ptr<Node>> nodes_;
};

}  // namespace pgdecl::pg
