#include "providers/postgres/session/connection.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>
#include <utility>

#include "engine/core/fault_points.h"
#include "providers/postgres/session/auth_request.h"
#include "providers/postgres/session/socket_wait.h"

namespace pgdecl::pg {
namespace {

PGconn* as_pg(void* conn) { return static_cast<PGconn*>(conn); }

std::atomic<long> opened_count{0};
std::atomic<long> round_trip_count{0};

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string describe(const Endpoint& endpoint) {
  return endpoint.user + "@" + endpoint.host + ":" + std::to_string(endpoint.port) + "/" + endpoint.dbname;
}

void read_rows(PGresult* result, QueryResult& out) {
  out.columns.clear();
  out.rows.clear();
  for (int c = 0; c < PQnfields(result); ++c) out.columns.push_back(PQfname(result, c));
  for (int r = 0; r < PQntuples(result); ++r) {
    Row row;
    for (int c = 0; c < PQnfields(result); ++c) {
      if (PQgetisnull(result, r, c)) {
        row.push_back(std::nullopt);
      } else {
        row.push_back(std::string(PQgetvalue(result, r, c), PQgetlength(result, r, c)));
      }
    }
    out.rows.push_back(std::move(row));
  }
}

// What a statement was, for an error: its first words, up to the first
// literal or line break, so that no value (a verifier, a file's content)
// is quoted.
std::string statement_head(const std::string& sql) {
  const std::size_t end = std::min<std::size_t>(sql.find_first_of("'$\n"), 60);
  return sql.substr(0, end);
}

std::string address_of(const Endpoint& endpoint) {
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

// The server's first answer, read without taking it from the socket: libpq
// reads it next only when pgdecl allows the method it asks for. Nothing has
// been read from this connection yet (no SSL or GSS negotiation), so the
// bytes start at a message.
Result<AuthJudgement> peek_first_answer(int socket, Clock::time_point deadline) {
  char bytes[kMaxAuthRequestBytes + 64];
  while (true) {
    if (wait_for_socket(socket, true, deadline) == SocketWait::kDeadline)
      return Status::timeout("no answer to the start-up message");
    const ssize_t got = ::recv(socket, bytes, sizeof bytes, MSG_PEEK | MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    // Closed or broken: libpq reads that and says so.
    if (got <= 0) return AuthJudgement{AuthJudgement::Verdict::kNotAsked};
    AuthJudgement judged = judge_auth_request(std::string_view(bytes, static_cast<std::size_t>(got)));
    if (judged.verdict != AuthJudgement::Verdict::kIncomplete) return judged;
    // Part of a message is there and poll() would say so at once.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Status refusal(const Endpoint& endpoint, const std::string& asked) {
  return Status::failed("the server at " + address_of(endpoint) + " asked for " + asked +
                        " instead of SCRAM-SHA-256; pgdecl did not send the password and does not connect "
                        "(is pg_hba.conf changed, or is another server on that port?)");
}

std::string deadline_text(Clock::time_point deadline, Clock::time_point started) {
  return std::to_string(std::chrono::ceil<std::chrono::seconds>(deadline - started).count()) + "s";
}

// A server that took the connection and then said nothing: paused, stopped
// by a signal, or not PostgreSQL. Not "unavailable": waiting again would
// only wait as long again.
Status no_answer(const Endpoint& endpoint, const std::string& waited) {
  return Status::timeout("the server at " + address_of(endpoint) +
                         " took the connection but did not answer it within " + waited +
                         " (is it paused or frozen?)");
}

// libpq's own non-blocking connection loop, with one step of pgdecl's own:
// libpq 15 answers whatever authentication the server asks for (it has no
// require_auth), so pgdecl looks at the request on this very connection
// before libpq reads it. Peeking costs no second connection, and no other
// connection can be told something different in between.
Status drive_connection(PGconn* conn, const Endpoint& endpoint, Clock::time_point deadline) {
  const auto started = Clock::now();
  const std::string where = "connecting to PostgreSQL at " + describe(endpoint);
  if (PQstatus(conn) == CONNECTION_BAD)
    return Status::unavailable(where + ": " + trimmed(PQerrorMessage(conn)));
  PostgresPollingStatusType polled = PGRES_POLLING_WRITING;
  bool judged = false;
  while (polled != PGRES_POLLING_OK) {
    if (polled == PGRES_POLLING_FAILED)
      return Status::unavailable(where + ": " + trimmed(PQerrorMessage(conn)));
    const bool reading = polled == PGRES_POLLING_READING;
    if (reading && !judged && PQstatus(conn) == CONNECTION_AWAITING_RESPONSE) {
      auto answer = peek_first_answer(PQsocket(conn), deadline);
      if (!answer) return no_answer(endpoint, deadline_text(deadline, started));
      if (answer->verdict == AuthJudgement::Verdict::kRefused) return refusal(endpoint, answer->method);
      judged = true;
    } else if (wait_for_socket(PQsocket(conn), reading, deadline) == SocketWait::kDeadline) {
      return no_answer(endpoint, deadline_text(deadline, started));
    }
    polled = PQconnectPoll(conn);
  }
  // Whatever happened above, a session that no password opened is not one
  // pgdecl talks to.
  if (!PQconnectionUsedPassword(conn)) return refusal(endpoint, "no password at all (trust)");
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const Endpoint& endpoint, const Secret& password,
                                                     const ConnectionLimits& limits) {
  const std::string port = std::to_string(endpoint.port);
  const char* keys[] = {"host",
                        "port",
                        "user",
                        "dbname",
                        "password",
                        "application_name",
                        "sslmode",
                        "gssencmode",

                        "keepalives",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        nullptr};
  const char* values[] = {endpoint.host.c_str(), port.c_str(), endpoint.user.c_str(), endpoint.dbname.c_str(),
                          password.reveal().c_str(), "pgdecl", "disable",
                          // Not "prefer": it would look for Kerberos
                          // credentials before every connection.
                          "disable",
                          // A peer that vanishes without a word is noticed
                          // within a minute, even between statements.
                          "1", "30", "10", "3", nullptr};
  ++opened_count;
  const auto started = Clock::now();
  PGconn* conn = PQconnectStartParams(keys, values, 0);
  if (!conn) return Status::failed("connecting to PostgreSQL: out of memory");
  Status connected = drive_connection(conn, endpoint, started + limits.answer);
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (!connected) {
    spdlog::trace("postgres connect {} failed in {:.1f} ms", describe(endpoint), took_ms);
    PQfinish(conn);
    return connected;
  }
  spdlog::trace("postgres connect {} in {:.1f} ms", describe(endpoint), took_ms);
  std::unique_ptr<Connection> connection(new Connection(conn, limits.statement));
  if (auto s = connection->set_session_limits(limits); !s)
    return s.with_context("connecting to " + describe(endpoint));
  return connection;
}

Result<std::unique_ptr<Connection>> Connection::open_with_retry(
    const Endpoint& endpoint, const Secret& password, Clock::time_point deadline,
    const std::function<Status()>& still_worth_waiting, const ConnectionLimits& limits) {
  auto interval = kFirstPoll;
  while (true) {
    ConnectionLimits attempt = limits;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    attempt.answer = std::clamp(left, std::chrono::milliseconds(100), limits.answer);
    auto conn = open(endpoint, password, attempt);
    if (conn) return conn;
    // A refused server stays refused: waiting changes nothing.
    if (conn.status().code() == Status::Code::kFailed) return conn;
    if (still_worth_waiting) {
      if (auto s = still_worth_waiting(); !s) return s;
    }
    if (Clock::now() + interval >= deadline) {
      return Status::timeout("PostgreSQL did not accept connections in time: " + conn.status().message());
    }
    std::this_thread::sleep_for(interval);
    interval = std::min(interval * 2, kLongestPoll);
  }
}

Connection::~Connection() { PQfinish(as_pg(conn_)); }

Result<QueryResult> Connection::query(const std::string& sql,
                                      const std::vector<std::optional<std::string>>& params) {
  ++round_trip_count;
  PGconn* conn = as_pg(conn_);
  if (given_up_) return Status::unavailable("the connection was given up after a statement got no answer");
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                         nullptr, 0)) {
    return Status::unavailable(trimmed(PQerrorMessage(conn)));
  }
  // Sent whole: the connection is blocking, so libpq flushed it.
  if (!next_point_.empty()) fault_point(std::exchange(next_point_, "").c_str());
  QueryResult out;
  std::optional<Status> failed;
  // Every result of the statement, the last (nullptr) included: only then
  // is the connection free for the next one.
  while (true) {
    if (auto s = await_result(sql); !s) return s;
    PGresult* result = PQgetResult(conn);
    if (!result) break;
    auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      if (!failed) failed = Status::failed(trimmed(PQresultErrorMessage(result)));
    } else {
      read_rows(result, out);
    }
    PQclear(result);
  }
  if (failed) return *failed;
  return out;
}

// Waits, until the statement's deadline, for libpq to hold a whole result.
Status Connection::await_result(const std::string& sql) {
  PGconn* conn = as_pg(conn_);
  const auto deadline = Clock::now() + statement_limit_;
  while (PQisBusy(conn)) {
    const SocketWait waited = wait_for_socket(PQsocket(conn), true, deadline);
    if (waited == SocketWait::kDeadline) {
      given_up_ = true;
      return Status::timeout(
          "the server did not answer within " +
          std::to_string(std::chrono::ceil<std::chrono::seconds>(statement_limit_).count()) +
          "s (is it paused or frozen?) to: " + statement_head(sql) + "...");
    }
    if (waited == SocketWait::kBroken || !PQconsumeInput(conn)) {
      given_up_ = true;
      return Status::unavailable(trimmed(PQerrorMessage(conn)));
    }
  }
  return Status::ok();
}

// The server's own deadline for each statement, in milliseconds, and no
// cutting short of a statement pgdecl has sent because pgdecl went away (an
// install of pg_hba.conf runs to its end, hba_provider.cc). Set in the
// session, not as start-up options, so that RESET still gives the server's
// own values (query_with_server_settings).
Status Connection::set_session_limits(const ConnectionLimits& limits) {
  // A little under the client's own deadline, so that a server that still
  // answers ends the statement itself, in its own words, first.
  const auto server_limit =
      std::max(limits.statement - std::chrono::milliseconds(2000), limits.statement / 2);
  // pgdecl's own changes commit once flushed on the node itself: with
  // synchronous_standby_names set, a commit would otherwise wait for a
  // standby, one the apply may not have made yet.
  return execute(
      "SELECT set_config('statement_timeout', $1, false), "
      "set_config('client_connection_check_interval', '0', false), "
      "set_config('synchronous_commit', 'local', false)",
      {std::to_string(server_limit.count())});
}

Result<QueryResult> Connection::query_with_server_settings(
    const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  if (auto s = execute("BEGIN"); !s) return s;
  Status reset = execute(
      "SELECT set_config(name, reset_val, true) FROM pg_settings "
      "WHERE name IN ('statement_timeout', 'client_connection_check_interval', 'synchronous_commit')");
  auto rows = reset ? query(sql, params) : Result<QueryResult>(reset);
  if (!rows) {
    execute("ROLLBACK");
    return rows;
  }
  if (auto s = execute("COMMIT"); !s) return s;
  return rows;
}

Status Connection::execute(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  auto result = query(sql, params);
  return result ? Status::ok() : result.status();
}

Status Connection::execute_unlogged(const std::string& sql) {
  // A fault point named for the statement is the statement's, not BEGIN's.
  std::string point = std::exchange(next_point_, "");
  // SET LOCAL ends with the transaction, so the session's logging is back
  // to normal for every later statement.
  for (const char* step :
       {"BEGIN", "SET LOCAL log_statement = 'none'", "SET LOCAL log_min_duration_statement = -1",
        "SET LOCAL log_min_error_statement = 'panic'"}) {
    if (auto s = execute(step); !s) {
      execute("ROLLBACK");
      return s;
    }
  }
  next_point_ = std::move(point);
  Status done = execute(sql);
  if (!done) {
    execute("ROLLBACK");
    // The first line is the server's reason; later lines may quote the
    // statement, and with it the credential.
    std::string reason = done.message().substr(0, done.message().find('\n'));
    return Status::failed(reason);
  }
  return execute("COMMIT");
}

Result<std::string> Connection::scram_verifier(const Secret& password, const std::string& role) {
  char* verifier =
      PQencryptPasswordConn(as_pg(conn_), password.reveal().c_str(), role.c_str(), "scram-sha-256");
  if (!verifier) return Status::failed("hashing a password: " + trimmed(PQerrorMessage(as_pg(conn_))));
  std::string out = verifier;
  PQfreemem(verifier);
  return out;
}

long Connection::connections_opened() { return opened_count; }
long Connection::round_trips() { return round_trip_count; }

bool Connection::healthy() const { return !given_up_ && PQstatus(as_pg(conn_)) == CONNECTION_OK; }

// An idle connection has nothing to read, but for a notice or a parameter
// report now and then. A server that ended it sent its FATAL and closed the
// socket: both show as readable here, and reading them (libpq's socket is
// non-blocking) leaves libpq at CONNECTION_BAD on the end of the stream.
bool Connection::still_open() {
  PGconn* conn = as_pg(conn_);
  for (int reads = 0; healthy() && reads < 8; ++reads) {
    pollfd readable{PQsocket(conn), POLLIN, 0};
    const int ready = ::poll(&readable, 1, 0);
    if (ready == 0) return true;
    if (ready < 0 && errno != EINTR) return false;
    if (ready > 0 && !PQconsumeInput(conn)) return false;
  }
  return healthy();
}

std::string Connection::escape_identifier(const std::string& name) const {
  char* escaped = PQescapeIdentifier(as_pg(conn_), name.c_str(), name.size());
  std::string out = escaped ? escaped : "";
  PQfreemem(escaped);
  return out;
}

std::string Connection::escape_literal(const std::string& value) const {
  char* escaped = PQescapeLiteral(as_pg(conn_), value.c_str(), value.size());
  std::string out = escaped ? escaped : "";
  PQfreemem(escaped);
  return out;
}

}  // namespace pgdecl::pg
