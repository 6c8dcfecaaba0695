#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/secret.h"

namespace pgdecl::pg {

using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

using Params = std::vector<std::optional<std::string>>;

// What the providers ask of a node's server: statements and their answers.
// A Connection is one over libpq; the unit tests of the providers' decisions
// give them a recording fake instead (tests/support/fake_sql.h).
class SqlSession {
 public:
  virtual ~SqlSession() = default;

  // Parameters travel separately from the text ($1, $2, ...), so no value
  // is ever spliced into SQL. A statement the server does not answer within
  // the limit gives Code::kTimeout, and the session is given up (healthy()
  // turns false).
  virtual Result<QueryResult> query(const std::string& sql, const Params& params) = 0;
  Result<QueryResult> query(const std::string& sql) { return query(sql, {}); }
  virtual Status execute(const std::string& sql, const Params& params) = 0;
  Status execute(const std::string& sql) { return execute(sql, {}); }
  // The same, with the settings the session gives itself (statement_timeout,
  // client_connection_check_interval, synchronous_commit) back at the server's values: what a
  // reader of the server's settings must see.
  virtual Result<QueryResult> query_with_server_settings(const std::string& sql, const Params& params) = 0;
  // Runs a statement that carries a credential (a password verifier, a
  // config file holding a secret) with the server's statement logging off
  // for it. Errors say what failed, never the statement.
  virtual Status execute_unlogged(const std::string& sql) = 0;
  // The SCRAM-SHA-256 verifier of `password` for `role`, computed on this
  // side: the clear text never travels to the server.
  virtual Result<std::string> scram_verifier(const Secret& password, const std::string& role) = 0;
  virtual std::string escape_identifier(const std::string& name) const = 0;
  virtual std::string escape_literal(const std::string& value) const = 0;

  virtual bool healthy() const = 0;
  // healthy(), and not ended by the server while it sat idle (a restart,
  // pg_terminate_backend): checked without a round trip.
  virtual bool still_open() = 0;
  // Names the next statement for PGDECL_TEST_KILL_AT (fault_points.h).
  virtual void mark_next_statement(std::string point) = 0;
};

}  // namespace pgdecl::pg
