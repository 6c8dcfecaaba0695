#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/secret.h"
#include "providers/postgres/connection.h"

namespace pgdecl::pg {

// One connection per node per run, shared by every resource on that node
// and used by one of them at a time. The node's container tells where the
// server listens once it has read or started it.
class NodeSessions {
 public:
  NodeSessions(std::string superuser, Secret password)
      : superuser_(std::move(superuser)), password_(std::move(password)) {}

  void set_port(const std::string& node, int port);
  std::optional<int> port(const std::string& node) const;
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
    int port = 0;
    std::unique_ptr<Connection> connection;
  };
  Node& node(const std::string& name) const;

  std::string superuser_;
  Secret password_;
  mutable std::mutex nodes_mutex_;
  mutable std::map<std::string, std::unique_ptr<Node>> nodes_;
};

}  // namespace pgdecl::pg
