#include "providers/postgres/catalog/role_catalog.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cluster/desired/role_attributes.h"
#include "providers/postgres/catalog/scram_verifier.h"

namespace pgdecl::pg {
namespace {

using engine::kRoleFlags;
namespace role_attr = engine::role_attr;

std::string flag_columns() {
  std::string columns;
  for (const auto& flag : kRoleFlags) columns += std::string("a.") + flag.column + ", ";
  return columns;
}

// Expiry in UTC so the text does not depend on the session's time zone;
// NULL and 'infinity' both mean "never".
const std::string kReadRole =
    "SELECT " + flag_columns() +
    "a.rolconnlimit::text, "
    "CASE WHEN a.rolvaliduntil IS NULL OR a.rolvaliduntil = 'infinity' THEN 'infinity' "
    "ELSE to_char(a.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00' END, "
    "coalesce(a.rolvaliduntil, 'infinity') = $2::timestamptz, "
    "a.rolpassword, "
    "(SELECT coalesce(json_agg(g.rolname), '[]') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
    "WHERE m.member = a.oid)::text "
    "FROM pg_authid a WHERE a.rolname = $1";

std::string password_state(const std::optional<std::string>& stored, const Secret& wanted) {
  switch (compare_stored_password(stored, wanted)) {
    case StoredPassword::kMatches:
      return engine::kPasswordAsSpec;
    case StoredPassword::kDiffers:
      return engine::kPasswordOther;
    case StoredPassword::kNone:
      return engine::kPasswordNone;
    case StoredPassword::kNotScram:
      return engine::kPasswordMd5;
    case StoredPassword::kTooCostly:
      return engine::kPasswordTooCostly + std::to_string(stored_iterations(stored).value_or(0)) +
             " iterations)";
  }
  return engine::kPasswordOther;
}

std::vector<std::string> names_in(const std::string& json_array) {
  std::vector<std::string> names;
  for (const auto& name : nlohmann::json::parse(json_array)) names.push_back(name.get<std::string>());
  return names;
}

std::string attribute(const engine::Attributes& attributes, const std::string& name) {
  auto found = attributes.find(name);
  return found == attributes.end() ? "" : found->second;
}

// Every option at once: CREATE and ALTER take the same list, and a
// statement that states the whole role leaves nothing to chance.
std::string role_options(SqlSession& c, const engine::Attributes& desired) {
  std::string options;
  for (const auto& flag : kRoleFlags) {
    options += attribute(desired, flag.name) == "true" ? std::string(" ") + flag.keyword
                                                       : std::string(" NO") + flag.keyword;
  }
  options +=
      " CONNECTION LIMIT " + std::to_string(std::stoi(attribute(desired, role_attr::kConnectionLimit)));
  options += " VALID UNTIL " + c.escape_literal(attribute(desired, role_attr::kValidUntil));
  return options;
}

}  // namespace

Result<std::optional<engine::LiveResource>> read_role(SqlSession& c, const RoleQuestion& question) {
  auto rows = c.query(kReadRole, {question.name, question.valid_until});
  if (!rows) return rows.status();
  if (rows->rows.empty()) return std::optional<engine::LiveResource>();
  const Row& row = rows->rows.front();
  engine::LiveResource live{question.name, {{role_attr::kEnsure, "present"}}, {}};
  std::size_t column = 0;
  for (const auto& flag : kRoleFlags) live.attributes[flag.name] = row.at(column++) == "t" ? "true" : "false";
  live.attributes[role_attr::kConnectionLimit] = row.at(column++).value_or(engine::kNoLimit);
  live.attributes[role_attr::kValidUntil] = row.at(column++).value_or(engine::kNoExpiry);
  engine::set_details(live, RoleFindings{row.at(column++) == "t"});
  const std::optional<std::string>& stored = row.at(column++);
  if (question.password) live.attributes[role_attr::kPassword] = password_state(stored, *question.password);
  live.attributes[role_attr::kMemberOf] = engine::render_name_list(names_in(row.at(column++).value_or("[]")));
  return std::optional<engine::LiveResource>(std::move(live));
}

std::vector<std::string> role_statements(SqlSession& c, const std::string& name,
                                         const engine::Attributes& desired,
                                         const std::optional<engine::LiveResource>& live) {
  const std::string role = c.escape_identifier(name);
  std::vector<std::string> statements;
  bool options_differ = !live;
  if (live) {
    for (const auto& flag : kRoleFlags) {
      options_differ |= attribute(live->attributes, flag.name) != attribute(desired, flag.name);
    }
    options_differ |= attribute(live->attributes, role_attr::kConnectionLimit) !=
                      attribute(desired, role_attr::kConnectionLimit);
    options_differ |= !engine::details_of<RoleFindings>(*live).same_expiry;
  }
  if (options_differ)
    statements.push_back((live ? "ALTER ROLE " : "CREATE ROLE ") + role + " WITH" + role_options(c, desired));

  std::vector<std::string> have =
      live ? names_in(attribute(live->attributes, role_attr::kMemberOf)) : std::vector<std::string>{};
  std::vector<std::string> want = names_in(attribute(desired, role_attr::kMemberOf));
  for (const auto& group : want) {
    if (std::find(have.begin(), have.end(), group) == have.end())
      statements.push_back("GRANT " + c.escape_identifier(group) + " TO " + role);
  }
  for (const auto& group : have) {
    if (std::find(want.begin(), want.end(), group) == want.end())
      statements.push_back("REVOKE " + c.escape_identifier(group) + " FROM " + role);
  }
  return statements;
}

Status set_role_password(SqlSession& c, const std::string& name, const Secret& password) {
  std::string verifier;
  if (is_scram_verifier(password.reveal())) {
    verifier = password.reveal();
  } else {
    auto made = c.scram_verifier(password, name);
    if (!made) return made.status();
    verifier = std::move(*made);
  }
  Status set = c.execute_unlogged("ALTER ROLE " + c.escape_identifier(name) + " PASSWORD " +
                                  c.escape_literal(verifier));
  return set ? set : Status::failed("setting the password of role " + name + ": " + set.message());
}

}  // namespace pgdecl::pg
