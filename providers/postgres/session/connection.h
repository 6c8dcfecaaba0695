#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/secret.h"
#include "providers/postgres/session/sql_session.h"

namespace pgdecl::pg {

using Clock = std::chrono::steady_clock;

// Waits poll from kFirstPoll, doubling up to kLongestPoll: a server or a
// stream that is ready is seen within a few tens of milliseconds, which is
// what a cold apply waits for several times over, while a refused
// connection or a query to the master costs well under a millisecond.
inline constexpr std::chrono::milliseconds kFirstPoll{10};
inline constexpr std::chrono::milliseconds kLongestPoll{25};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string user = "postgres";
  std::string dbname = "postgres";
};

// How long pgdecl waits on a server (its --timeout): a server that
// accepted the connection but never answers (paused, stopped by a signal)
// must not hold a run for ever, and statement_timeout cannot help there.
struct ConnectionLimits {
  // For the server to answer a connection's start-up.
  std::chrono::milliseconds answer{2000};
  // For each statement: the server's statement_timeout, and the client's
  // own wait, after which the connection is given up.
  std::chrono::milliseconds statement{120'000};
};

// One libpq connection (application_name pgdecl). Not thread-safe: a node's
// statements run one at a time, which also keeps catalog updates from
// racing each other.
class Connection : public SqlSession {
 public:
  // Tries once. The password goes to libpq as a parameter: never in a
  // process's arguments or environment, and to the server only inside a
  // SCRAM-SHA-256 exchange: a server that asks for anything else (a
  // clear-text password, md5, trust) is refused (Code::kFailed) before
  // libpq answers it.
  // A server that never answers gives Code::kTimeout.
  static Result<std::unique_ptr<Connection>> open(const Endpoint& endpoint, const Secret& password,
                                                  const ConnectionLimits& limits = {});
  // Retries every `interval` until `deadline`; the last error explains a
  // timeout. `still_worth_waiting`, when set, can stop early with its reason.
  static Result<std::unique_ptr<Connection>> open_with_retry(
      const Endpoint& endpoint, const Secret& password, Clock::time_point deadline,
      const std::function<Status()>& still_worth_waiting = {}, const ConnectionLimits& limits = {});
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // SqlSession. A statement the server does not answer within the limit is
  // not cancelled, since a cancel request waits on the same server.
  using SqlSession::execute;
  using SqlSession::query;
  Result<QueryResult> query(const std::string& sql, const Params& params) override;
  Status execute(const std::string& sql, const Params& params) override;
  // In a transaction of its own; the client's own deadline stays.
  Result<QueryResult> query_with_server_settings(const std::string& sql, const Params& params) override;
  Status execute_unlogged(const std::string& sql) override;
  // Computed by libpq (PQencryptPasswordConn).
  Result<std::string> scram_verifier(const Secret& password, const std::string& role) override;
  bool healthy() const override;
  bool still_open() override;
  // pgdecl is killed once it has sent the statement, before any answer.
  void mark_next_statement(std::string point) override { next_point_ = std::move(point); }
  std::string escape_identifier(const std::string& name) const override;
  std::string escape_literal(const std::string& value) const override;

  // Since the process started, for the refresh's own accounting.
  static long connections_opened();
  static long round_trips();

 private:
  Connection(void* conn, std::chrono::milliseconds statement_limit)
      : conn_(conn), statement_limit_(statement_limit) {}
  Status await_result(const std::string& sql);
  Status set_session_limits(const ConnectionLimits& limits);
  void* conn_;  // PGconn*, kept out of the header
  std::chrono::milliseconds statement_limit_;
  bool given_up_ = false;
  std::string next_point_;
};

}  // namespace pgdecl::pg
