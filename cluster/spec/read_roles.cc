#include <algorithm>
#include <cstdint>

#include "cluster/spec/formats.h"
#include "cluster/spec/reader.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kRoleKeys = {
    "name",      "ensure",  "login",    "superuser", "createdb",         "createrole", "replication",
    "bypassrls", "inherit", "password", "member_of", "connection_limit", "valid_until"};
const std::vector<std::string> kDatabaseKeys = {"name", "ensure", "owner", "encoding", "locale"};

// Names Postgres refuses in CREATE ROLE, quoted or not.
const std::vector<std::string> kReservedRoleNames = {"public", "none", "current_user", "session_user",
                                                     "current_role"};

struct RoleFlag {
  const char* key;
  std::optional<bool> RoleSpec::*field;
};
const RoleFlag kRoleFlags[] = {
    {"login", &RoleSpec::login},
    {"superuser", &RoleSpec::superuser},
    {"createdb", &RoleSpec::createdb},
    {"createrole", &RoleSpec::createrole},
    {"replication", &RoleSpec::replication},
    {"bypassrls", &RoleSpec::bypassrls},
    {"inherit", &RoleSpec::inherit},
};

// ensure: present | absent; returns whether the object should exist.
bool read_ensure(Reader& reader, MapReader& map) {
  const Entry* ensure = map.find("ensure");
  if (!ensure) return true;
  return reader.word(*ensure, {"present", "absent"}) != "absent";
}

// The name an entry of roles: or databases: is known by, or nothing when it
// has none (the entry is then left out).
std::optional<std::string> read_name(Reader& reader, MapReader& map) {
  const Entry* name = map.require("name");
  return name ? reader.text(*name) : std::nullopt;
}

std::vector<std::string> read_member_of(Reader& reader, const Entry& entry) {
  std::vector<std::string> names;
  auto items = reader.items(entry);
  if (!items) return names;
  for (const Entry& item : *items) {
    auto name = reader.text(item);
    // All or nothing, so names[i] stays at member_of[i] in the SourceMap.
    if (!name) return {};
    names.push_back(*name);
  }
  return names;
}

void read_role_limits(Reader& reader, MapReader& map, RoleSpec& role) {
  if (const Entry* limit = map.find("connection_limit")) {
    auto number = reader.integer(*limit);
    if (number && (*number < -1 || *number > INT32_MAX)) {
      reader.error(limit->value_pos,
                   "expected -1 (no limit) or more for 'connection_limit', got " + std::to_string(*number));
    } else if (number) {
      role.connection_limit = static_cast<int>(*number);
    }
  }
  if (auto until = map.text("valid_until")) {
    if (auto problem = check_valid_until(*until)) {
      reader.error(map.find("valid_until")->value_pos, problem->message);
    } else {
      role.valid_until = *until;
    }
  }
}

void read_role(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  MapReader map(reader, entry, kRoleKeys);
  RoleSpec role;
  auto name = read_name(reader, map);
  if (name) check_role_name(reader, *map.find("name"), *name);
  role.present = read_ensure(reader, map);
  for (const RoleFlag& flag : kRoleFlags) {
    if (auto value = map.boolean(flag.key)) role.*flag.field = *value;
  }
  read_role_limits(reader, map, role);
  if (const Entry* member_of = map.find("member_of")) role.member_of = read_member_of(reader, *member_of);
  if (const Entry* password = map.find("password")) role.password = read_secret(reader, *password, spec.dir);
  if (!name) {
    reader.sources().unreadable.insert("roles");
    return;
  }
  role.name = *name;
  role.pos = map.find("name")->value_pos;
  spec.roles.push_back(role);
  reader.sources().role_paths.push_back(entry.path);
}

void read_database(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  MapReader map(reader, entry, kDatabaseKeys);
  DatabaseSpec database;
  auto name = read_name(reader, map);
  auto problem = name ? check_sql_name("database", *name) : std::nullopt;
  if (problem) reader.error(map.find("name")->value_pos, problem->message);
  database.present = read_ensure(reader, map);
  if (auto owner = map.text("owner")) database.owner = *owner;
  if (auto encoding = map.text("encoding")) database.encoding = *encoding;
  if (auto locale = map.text("locale")) database.locale = *locale;
  if (!name) return;
  database.name = *name;
  database.pos = map.find("name")->value_pos;
  spec.databases.push_back(database);
  reader.sources().database_paths.push_back(entry.path);
}

}  // namespace

void check_role_name(Reader& reader, const Entry& entry, const std::string& name) {
  if (auto problem = check_sql_name("role", name)) {
    reader.error(entry.value_pos, problem->message);
  } else if (name.rfind("pg_", 0) == 0) {
    reader.error(entry.value_pos,
                 "role name '" + name + "' is reserved: names beginning with 'pg_' are built-in roles");
  } else if (std::find(kReservedRoleNames.begin(), kReservedRoleNames.end(), name) !=
             kReservedRoleNames.end()) {
    reader.error(entry.value_pos, "role name '" + name + "' is reserved by postgres");
  }
}

void read_roles(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  auto items = reader.items(entry);
  if (!items) {
    reader.sources().unreadable.insert("roles");
    return;
  }
  for (const Entry& item : *items) {
    if (reader.is_map(item)) {
      read_role(reader, item, spec);
    } else {
      reader.sources().unreadable.insert("roles");
    }
  }
}

void read_databases(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  auto items = reader.items(entry);
  if (!items) return;
  for (const Entry& item : *items) {
    if (reader.is_map(item)) read_database(reader, item, spec);
  }
}

}  // namespace pgdecl::spec
