#pragma once

#include <string>
#include <vector>

namespace pgdecl::engine {

// Attribute names of pg_role and pg_database, shared by the desired side
// and the providers' reads, so both speak of the same things.
namespace role_attr {
inline constexpr const char* kEnsure = "ensure";
inline constexpr const char* kConnectionLimit = "connection_limit";
inline constexpr const char* kValidUntil = "valid_until";
inline constexpr const char* kMemberOf = "member_of";
// Never the password: only whether the server's matches the spec's.
inline constexpr const char* kPassword = "password";
}  // namespace role_attr

namespace database_attr {
inline constexpr const char* kOwner = "owner";
inline constexpr const char* kEncoding = "encoding";
inline constexpr const char* kLocale = "locale";
}  // namespace database_attr

// A role flag and the value CREATE ROLE gives it: a flag the spec leaves
// out is held at that value, so every attribute of a declared role is
// declared.
struct RoleFlag {
  const char* name;     // attribute name, as in the spec
  const char* keyword;  // CREATE/ALTER ROLE keyword when true; NO<keyword> when false
  const char* column;   // pg_authid column
  bool default_value;
};
inline constexpr RoleFlag kRoleFlags[] = {
    {"login", "LOGIN", "rolcanlogin", false},
    {"superuser", "SUPERUSER", "rolsuper", false},
    {"createdb", "CREATEDB", "rolcreatedb", false},
    {"createrole", "CREATEROLE", "rolcreaterole", false},
    {"replication", "REPLICATION", "rolreplication", false},
    {"bypassrls", "BYPASSRLS", "rolbypassrls", false},
    {"inherit", "INHERIT", "rolinherit", true},
};

inline constexpr const char* kNoLimit = "-1";
inline constexpr const char* kNoExpiry = "infinity";

// What pg_role.password shows, on either side.
inline constexpr const char* kPasswordAsSpec = "(sensitive value)";
inline constexpr const char* kPasswordOther = "(a different password)";
inline constexpr const char* kPasswordNone = "(no password)";
inline constexpr const char* kPasswordMd5 = "(an md5 hash)";
// Followed by the count and " iterations)": a verifier pgdecl does not
// spend the time to check (pg::kMaxCheckedIterations).
inline constexpr const char* kPasswordTooCostly = "(a verifier of ";

// Role names in one attribute, sorted, unambiguous whatever they contain:
// ["a","we\"ird"].
std::string render_name_list(std::vector<std::string> names);

}  // namespace pgdecl::engine
