#include "providers/postgres/server_settings.h"

#include <sstream>

namespace pgdecl::pg {
namespace {

std::string joined_names(const std::map<std::string, std::string>& parameters) {
  std::string names;
  for (const auto& [name, value] : parameters) names += (names.empty() ? "" : ",") + name;
  return names;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

}  // namespace

Result<ServerSettings> read_server_settings(Connection& connection,
                                            const std::map<std::string, std::string>& parameters) {
  // The spec's names are lower case; the server spells a few in mixed
  // case (TimeZone, DateStyle, IntervalStyle).
  auto rows = connection.query(
      "SELECT lower(s.name), current_setting(s.name), s.setting, s.vartype, coalesce(s.unit, ''), s.context, "
      "coalesce(s.min_val, ''), coalesce(s.max_val, ''), coalesce(array_to_string(s.enumvals, ','), ''), "
      "(SELECT f.setting FROM pg_file_settings f WHERE lower(f.name) = lower(s.name) "
      "AND f.sourcefile LIKE '%/postgresql.auto.conf' ORDER BY f.seqno DESC LIMIT 1) "
      "FROM pg_settings s WHERE lower(s.name) = ANY(string_to_array($1, ','))",
      {joined_names(parameters)});
  if (!rows) return rows.status();
  ServerSettings out;
  for (const auto& row : rows->rows) {
    ServerSetting s{*row[1], "", *row[5], {*row[3], *row[4], *row[6], *row[7], split(*row[8])}, row[9]};
    s.canonical = canonical_setting(*row[2], s.definition.vartype, s.definition.unit).value_or(*row[2]);
    out[*row[0]] = std::move(s);
  }
  return out;
}

Status check_parameters(const ServerSettings& server, const std::map<std::string, std::string>& parameters,
                        const std::string& node) {
  for (const auto& [name, value] : parameters) {
    auto found = server.find(name);
    if (found == server.end()) {
      return Status::invalid_argument(node + ".parameters: unknown parameter '" + name + "'");
    }
    if (auto problem = setting_value_problem(value, found->second.definition)) {
      return Status::invalid_argument(node + ".parameters." + name + ": " + *problem);
    }
  }
  return Status::ok();
}

bool all_in_force(const ServerSettings& server, const std::map<std::string, std::string>& parameters) {
  for (const auto& [name, value] : parameters) {
    auto found = server.find(name);
    if (found == server.end()) return false;
    const ServerSetting& s = found->second;
    if (canonical_setting(value, s.definition.vartype, s.definition.unit) != s.canonical) return false;
  }
  return true;
}

bool needs_restart(const ServerSettings& server, const std::map<std::string, std::string>& parameters) {
  for (const auto& [name, value] : parameters) {
    const ServerSetting& s = server.at(name);
    if (s.context != "postmaster") continue;
    if (canonical_setting(value, s.definition.vartype, s.definition.unit) != s.canonical) return true;
  }
  return false;
}

Status reset_alter_system(Connection& connection, const ServerSettings& server) {
  for (const auto& [name, setting] : server) {
    if (!setting.set_by_alter_system) continue;
    if (auto s = connection.execute("ALTER SYSTEM RESET " + connection.escape_identifier(name)); !s) return s;
  }
  return Status::ok();
}

}  // namespace pgdecl::pg
