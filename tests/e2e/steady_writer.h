#pragma once

// A client writing to the primary all the time, as an application would:
// one row per statement, reconnecting whenever the primary is away. Given
// several nodes, it connects as libpq's target_session_attrs=read-write
// does: to the first that takes writes, so it follows a switchover. It
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

  explicit SteadyWriter(ClusterFixture& cluster, const std::vector<std::string>& nodes = {"master"})
      : docker_(cluster.docker()), password_(cluster.superuser_password()) {
    for (const auto& node : nodes) containers_.push_back(cluster.name() + "-" + node);
    auto primary = open_primary();
    REQUIRE(primary);
    REQUIRE(primary->execute("create table if not exists steady (id bigint primary key)"));
    // A writer after another on the same cluster goes on from its rows.
    auto last = primary->query("select coalesce(max(id), 0) from steady");
    REQUIRE(last);
    first_id_ = std::stol(last->rows.at(0).at(0).value_or("0")) + 1;
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

  // Waits (up to 30 s) until `more` rows past those acknowledged so far are.
  void wait_for_rows(std::size_t more) {
    const std::size_t wanted = acknowledged().size() + more;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acknowledged().size() < wanted && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Stops the writer and checks that the primary holds every row it had
  // acknowledged; the longest outage is told with any failure.
  void check_nothing_lost() {
    stop();
    const auto rows = acknowledged();
    INFO("longest write outage: " << longest_outage().count() << " ms");
    REQUIRE(rows.size() > 0);
    auto primary = open_primary();
    REQUIRE(primary);
    CHECK(kept(*primary, rows) == static_cast<long>(rows.size()));
  }

  // How many of `rows` the node that takes writes now holds; -1 when none does.
  long kept_on_primary(const std::vector<long>& rows) {
    auto primary = open_primary();
    return primary ? kept(*primary, rows) : -1;
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
  // The port Docker shows now: a restarted node may have another.
  std::optional<int> port(const std::string& container) {
    auto inspected = docker_.inspect_container(container);
    if (!inspected || !inspected->has_value() || !(*inspected)->published) return std::nullopt;
    return (*inspected)->published->host_port;
  }

  // The first node that accepts a connection and takes writes.
  std::unique_ptr<pg::Connection> open_primary() {
    for (const auto& container : containers_) {
      auto at = port(container);
      if (!at) continue;
      auto opened = pg::Connection::open({"127.0.0.1", *at, "postgres", "postgres"}, password_,
                                         {std::chrono::seconds(1), std::chrono::seconds(5)});
      if (!opened) continue;
      // As an application's session: pgdecl's own connection commits
      // without waiting for a synchronous standby.
      if (!(*opened)->execute("RESET synchronous_commit")) continue;
      if (containers_.size() == 1) return std::move(*opened);
      auto recovery = (*opened)->query("select pg_is_in_recovery()");
      if (recovery && !recovery->rows.empty() && recovery->rows[0][0] == std::optional<std::string>("f"))
        return std::move(*opened);
    }
    return nullptr;
  }

  void run() {
    const auto started = std::chrono::steady_clock::now();
    auto last_ack = started;
    std::unique_ptr<pg::Connection> connection;
    for (long id = first_id_; id < first_id_ + kMostRows && !stopping_; ++id) {
      if (std::chrono::steady_clock::now() - started > kLongest) break;
      if (!connection) {
        connection = open_primary();
        if (!connection) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
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
  std::vector<std::string> containers_;
  long first_id_ = 1;
  Secret password_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<long> acknowledged_;
  std::chrono::milliseconds longest_gap_{0};
  std::thread thread_;
};

}  // namespace pgdecl::testing
