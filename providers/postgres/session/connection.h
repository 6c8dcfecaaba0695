#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/secret.h"

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

using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// One libpq connection (application_name pgdecl). Not thread-safe: a node's
// statements run one at a time, which also keeps catalog updates from
// racing each other.
class Connection {
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
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Parameters travel separately from the text ($1, $2, ...), so no value
  // is ever spliced into SQL. A statement the server does not answer within
  // the limit gives Code::kTimeout, and the connection is given up
  // (healthy() turns false): it is not cancelled, since a cancel request
  // waits on the same server.
  Result<QueryResult> query(const std::string& sql,
                            const std::vector<std::optional<std::string>>& params = {});
  Status execute(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // The same, with the settings this connection gives itself
  // (statement_timeout, client_connection_check_interval) back at the
  // server's values in a transaction of its own: what a reader of the
  // server's settings must see. The client's own deadline stays.
  Result<QueryResult> query_with_server_settings(const std::string& sql,
                                                 const std::vector<std::optional<std::string>>& params = {});
  // Runs a statement that carries a credential (a password verifier, a
  // config file holding a secret) with
  // the server's statement logging off for it, so it never reaches the
  // server's log. Errors say what failed, never the statement.
  Status execute_unlogged(const std::string& sql);
  // The SCRAM-SHA-256 verifier of `password` for `role`, computed here by
  // libpq: the clear text never travels to the server.
  Result<std::string> scram_verifier(const Secret& password, const std::string& role);
  bool healthy() const;
  // healthy(), and not ended by the server while it sat idle (a restart,
  // pg_terminate_backend): checked without a round trip, before a
  // statement is sent on it that would fail on the server's last words.
  bool still_open();
  // Names the next statement for PGDECL_TEST_KILL_AT (fault_points.h): pgdecl
  // is killed once it has sent it, before any answer.
  void mark_next_statement(std::string point) { next_point_ = std::move(point); }

  // Since the process started, for the refresh's own accounting.
  static long connections_opened();
  static long round_trips();
  std::string escape_identifier(const std::string& name) const;
  std::string escape_literal(const std::string& value) const;

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
