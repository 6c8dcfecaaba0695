#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/secret.h"
#include "engine/model/details.h"
#include "engine/model/resource.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

// What the spec says about one role, as far as reading it needs: the
// server compares expiry times itself, and the stored verifier is checked
// against the spec's password here, never kept.
struct RoleQuestion {
  std::string name;
  std::string valid_until = "infinity";
  const Secret* password = nullptr;  // nullptr: the spec leaves the password alone
};

// What a read learns of a role beyond its attributes (its details).
struct RoleFindings {
  // The server's expiry is the spec's, however each is written ("2030-01-01"
  // and "2030-01-01 00:00:00+00"): the server compared them.
  bool same_expiry = true;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleFindings, same_expiry)

// The role as pg_role attributes, with RoleFindings as its details, or
// nullopt when the server has no such role.
Result<std::optional<engine::LiveResource>> read_role(SqlSession& c, const RoleQuestion& question);

// The statements that take a role from `live` (nullopt: not there) to
// `desired`, identifiers and literals escaped by libpq. The password is
// not among them: see set_role_password().
std::vector<std::string> role_statements(SqlSession& c, const std::string& name,
                                         const engine::Attributes& desired,
                                         const std::optional<engine::LiveResource>& live);

// Sends the password as a SCRAM-SHA-256 verifier made by libpq (or the
// spec's own verifier), with statement logging off for that statement.
Status set_role_password(SqlSession& c, const std::string& name, const Secret& password);

}  // namespace pgdecl::pg
