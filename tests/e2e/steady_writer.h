#pragma once

// A client writing to the master all the time, as an application would:
// one row per statement, reconnecting whenever the master is away. It
// counts the rows the server acknowledged, so a test can check that none
// was lost, and times the longest gap between two acknowledgements.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/cluster_fixture.h"

namespace pgdecl::testing {

class SteadyWriter {
 public:
  // Bounded in count and time: a writer left running by a failed test
  // stops by itself.
  static constexpr long kMostRows = 200000;
  static constexpr std::chrono::minutes kLongest{10};

  explicit SteadyWriter(ClusterFixture& cluster)
      : docker_(cluster.docker()),
        container_(cluster.name() + "-master"),
        password_(cluster.superuser_password()) {
    REQUIRE(cluster.connect()->execute("create table if not exists steady (id bigint primary key)"));
    thread_ = std::thread([this] { run(); });
  }
  ~SteadyWriter() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

  std::vector<long> acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  std::chrono::milliseconds longest_outage() {
    std::lock_guard lock(mutex_);
    return longest_gap_;
  }

  // How many acknowledged rows the master holds now (all, unless one was lost).
  static long kept(pg::Connection& c, const std::vector<long>& ids) {
    std::string array = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) array += (i ? "," : "") + std::to_string(ids[i]);
    array += "}";
    auto rows = c.query("select count(*) from steady where id = any($1::bigint[])", {array});
    return rows && !rows->rows.empty() ? std::stol(rows->rows[0][0].value_or("-1")) : -1;
  }

 private:
  // The port Docker shows now: a restarted master may have another.
  std::optional<int> port() {
    auto inspected = docker_.inspect_container(container_);
    if (!inspected || !inspected->has_value() || !(*inspected)->published) return std::nullopt;
    return (*inspected)->published->host_port;
  }

  void run() {
    const auto started = std::chrono::steady_clock::now();
    auto last_ack = started;
    std::unique_ptr<pg::Connection> connection;
    for (long id = 1; id <= kMostRows && !stopping_; ++id) {
      if (std::chrono::steady_clock::now() - started > kLongest) break;
      if (!connection) {
        auto at = port();
        auto opened = at ? pg::Connection::open({"127.0.0.1", *at, "postgres", "postgres"}, password_,
                                                {std::chrono::seconds(1), std::chrono::seconds(5)})
                         : Result<std::unique_ptr<pg::Connection>>(Status::unavailable("no port"));
        if (!opened) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        connection = std::move(*opened);
      }
      if (!connection->execute("insert into steady values ($1)", {std::to_string(id)})) {
        connection.reset();
        continue;
      }
      const auto now = std::chrono::steady_clock::now();
      std::lock_guard lock(mutex_);
      acknowledged_.push_back(id);
      longest_gap_ =
          std::max(longest_gap_, std::chrono::duration_cast<std::chrono::milliseconds>(now - last_ack));
      last_ack = now;
    }
  }

  docker::Client& docker_;
  std::string container_;
  Secret password_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<long> acknowledged_;
  std::chrono::milliseconds longest_gap_{0};
  std::thread thread_;
};

}  // namespace pgdecl::testing
