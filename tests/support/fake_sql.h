#pragma once

// A recording stand-in for the PostgreSQL servers of a cluster, for unit
// tests of what the providers decide: which statements they send, in which
// order, and what each answer leads them to do. Each node is a FakeServer
// that keeps every statement sent to it and answers from rules the test
// gives: the last rule added whose text the statement contains answers it,
// so a test can change one answer halfway. A statement no rule answers
// succeeds with no rows.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "providers/postgres/session/node_sessions.h"
#include "providers/postgres/session/sql_session.h"
#include "tests/support/fake_transport.h"

namespace pgdecl::pg::testing {

class FakeServer {
 public:
  using Answer = std::function<Result<QueryResult>(const std::string& sql, const Params& params)>;

  // Answers as every node does when pgdecl signs in (cluster_name, system
  // identifier), so the session's identity check passes.
  FakeServer(const std::string& node, const std::string& system_identifier) {
    answer("current_setting('cluster_name')", {{node, system_identifier}});
  }

  // Statements whose text holds `contains` get `rows` (or, below, an error).
  FakeServer& answer(std::string contains, std::vector<Row> rows) {
    return rule(std::move(contains), [rows](const std::string&, const Params&) -> Result<QueryResult> {
      return QueryResult{{}, rows};
    });
  }
  FakeServer& fail(std::string contains, Status error) {
    return rule(std::move(contains),
                [error](const std::string&, const Params&) -> Result<QueryResult> { return error; });
  }
  FakeServer& rule(std::string contains, Answer answer) {
    std::lock_guard lock(mutex_);
    rules_.push_back({std::move(contains), std::move(answer)});
    return *this;
  }

  // Answered outside the lock: an answer may look at what was sent so far.
  Result<QueryResult> run(const std::string& sql, const Params& params) {
    Answer answer;
    {
      std::lock_guard lock(mutex_);
      statements_.push_back(sql);
      for (auto rule = rules_.rbegin(); rule != rules_.rend() && !answer; ++rule) {
        if (sql.find(rule->contains) != std::string::npos) answer = rule->answer;
      }
    }
    return answer ? answer(sql, params) : Result<QueryResult>(QueryResult{});
  }

  // Every statement sent, in order, identity checks included.
  std::vector<std::string> statements() const {
    std::lock_guard lock(mutex_);
    return statements_;
  }
  // Those that hold `part`.
  std::vector<std::string> statements_with(const std::string& part) const {
    std::vector<std::string> found;
    for (const auto& sql : statements()) {
      if (sql.find(part) != std::string::npos) found.push_back(sql);
    }
    return found;
  }
  int sessions_opened = 0;

 private:
  struct Rule {
    std::string contains;
    Answer answer;
  };
  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  std::vector<std::string> statements_;
};

// One session to a FakeServer. Escaping is PostgreSQL's own quoting rule
// (quotes written twice), without libpq.
class FakeSession : public SqlSession {
 public:
  explicit FakeSession(FakeServer& server) : server_(server) {}
  using SqlSession::execute;
  using SqlSession::query;
  Result<QueryResult> query(const std::string& sql, const Params& params) override {
    return server_.run(sql, params);
  }
  Status execute(const std::string& sql, const Params& params) override {
    auto done = server_.run(sql, params);
    return done ? Status::ok() : done.status();
  }
  Result<QueryResult> query_with_server_settings(const std::string& sql, const Params& params) override {
    return server_.run(sql, params);
  }
  Status execute_unlogged(const std::string& sql) override { return execute(sql, {}); }
  Result<std::string> scram_verifier(const Secret& password, const std::string& role) override {
    return "SCRAM-SHA-256$4096:fake$" + role + ":" + std::to_string(password.reveal().size());
  }
  std::string escape_identifier(const std::string& name) const override { return quoted(name, '"'); }
  std::string escape_literal(const std::string& value) const override { return quoted(value, '\''); }
  bool healthy() const override { return true; }
  bool still_open() override { return true; }
  void mark_next_statement(std::string) override {}

 private:
  static std::string quoted(const std::string& text, char quote) {
    std::string out(1, quote);
    for (char c : text) out += c == quote ? std::string(2, quote) : std::string(1, c);
    return out + quote;
  }
  FakeServer& server_;
};

// The servers of a cluster by node name, and the opener that connects
// NodeSessions to them: a node without a server refuses, as a stopped one
// does.
class FakeCluster {
 public:
  FakeServer& add(const std::string& node, const std::string& system_identifier = "7000000000000000001") {
    auto& slot = servers_[node];
    slot = std::make_unique<FakeServer>(node, system_identifier);
    ports_[published_port(node)] = node;
    return *slot;
  }
  FakeServer& server(const std::string& node) { return *servers_.at(node); }

  // Where NodeSessions finds each node: a port of its own on 127.0.0.1.
  int published_port(const std::string& node) {
    auto known = std::find_if(ports_.begin(), ports_.end(), [&](const auto& p) { return p.second == node; });
    return known != ports_.end() ? known->first : 40000 + static_cast<int>(ports_.size());
  }

  // Docker's side of the cluster `cluster`: each node's container, running
  // and published on its port, the `volumes` named (the cluster's), and no
  // network.
  void answer_docker(docker::testing::FakeTransport& docker, const std::string& cluster,
                     const std::vector<std::string>& volumes = {}) {
    std::string list = "[";
    for (const auto& [node, server] : servers_) {
      if (list.size() > 1) list += ",";
      const std::string name = cluster + "-" + node;
      list += R"({"Id":")" + name + R"(-id","Names":["/)" + name +
              R"("],"State":"running","Labels":{"pgdecl.cluster":")" + cluster +
              R"(","pgdecl.address":"docker_container.)" + node +
              R"("},"Ports":[{"PrivatePort":5432,"Type":"tcp","IP":"127.0.0.1","PublicPort":)" +
              std::to_string(published_port(node)) + "}]}";
    }
    docker.on("GET", "/containers/json", {200, list + "]", 0, {}, {}});
    for (const auto& [node, server] : servers_) {
      const std::string name = cluster + "-" + node;
      const std::string inspected =
          R"({"Id":")" + name + R"(-id","Name":"/)" + name + R"(","Config":{"Labels":{"pgdecl.cluster":")" +
          cluster + R"(","pgdecl.address":"docker_container.)" + node +
          R"("}},"State":{"Status":"running","Running":true},)" +
          R"("NetworkSettings":{"Ports":{"5432/tcp":[{"HostIp":"127.0.0.1","HostPort":")" +
          std::to_string(published_port(node)) + R"("}]}}})";
      docker.on("GET", "/containers/" + name + "/json", {200, inspected, 0, {}, {}});
    }
    docker.on("GET", "/networks", {200, "[]", 0, {}, {}});
    std::string listed;
    for (const auto& volume : volumes) {
      listed += (listed.empty() ? "" : ",") + std::string(R"({"Name":")") + cluster + "-" + volume +
                R"(","Labels":{"pgdecl.cluster":")" + cluster + R"(","pgdecl.address":"docker_volume.)" +
                volume + R"("}})";
    }
    docker.on("GET", "/volumes", {200, R"({"Volumes":[)" + listed + "]}", 0, {}, {}});
  }

  NodeSessions::Opener opener() {
    return [this](const Endpoint& endpoint, const Secret&, Clock::time_point, const std::function<Status()>&,
                  const ConnectionLimits&) -> Result<std::unique_ptr<SqlSession>> {
      auto node = ports_.find(endpoint.port);
      if (node == ports_.end())
        return Status::unavailable("no server at port " + std::to_string(endpoint.port));
      FakeServer& server = *servers_.at(node->second);
      ++server.sessions_opened;
      return std::unique_ptr<SqlSession>(std::make_unique<FakeSession>(server));
    };
  }

 private:
  std::map<std::string, std::unique_ptr<FakeServer>> servers_;
  std::map<int, std::string> ports_;
};

}  // namespace pgdecl::pg::testing
