#include "providers/postgres/connection.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

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

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const Endpoint& endpoint, const Secret& password,
                                                     int connect_timeout_seconds) {
  const std::string port = std::to_string(endpoint.port);
  const std::string timeout = std::to_string(connect_timeout_seconds);
  const char* keys[] = {
      "host",    "port",       "user", "dbname", "password", "application_name", "connect_timeout",
      "sslmode", "gssencmode", nullptr};
  const char* values[] = {endpoint.host.c_str(), port.c_str(), endpoint.user.c_str(), endpoint.dbname.c_str(),
                          password.reveal().c_str(), "pgdecl", timeout.c_str(), "disable",
                          // Not "prefer": it would look for Kerberos
                          // credentials before every connection.
                          "disable", nullptr};
  ++opened_count;
  const auto started = Clock::now();
  PGconn* conn = PQconnectdbParams(keys, values, 0);
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn));
    spdlog::trace("postgres connect {} failed in {:.1f} ms", describe(endpoint), took_ms);
    PQfinish(conn);
    return Status::unavailable("connecting to PostgreSQL at " + describe(endpoint) + ": " + message);
  }
  spdlog::trace("postgres connect {} in {:.1f} ms", describe(endpoint), took_ms);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Result<std::unique_ptr<Connection>> Connection::open_with_retry(
    const Endpoint& endpoint, const Secret& password, Clock::time_point deadline,
    const std::function<Status()>& still_worth_waiting) {
  auto interval = kFirstPoll;
  while (true) {
    auto conn = open(endpoint, password);
    if (conn) return conn;
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
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = PQexecParams(as_pg(conn_), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  auto status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::string message = trimmed(PQresultErrorMessage(result));
    PQclear(result);
    return Status::failed(message);
  }
  QueryResult out;
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
  PQclear(result);
  return out;
}

Status Connection::execute(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  auto result = query(sql, params);
  return result ? Status::ok() : result.status();
}

Status Connection::execute_unlogged(const std::string& sql) {
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

bool Connection::healthy() const { return PQstatus(as_pg(conn_)) == CONNECTION_OK; }

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
