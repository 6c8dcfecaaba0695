#include "providers/postgres/config/server_settings.h"

#include <sstream>

#include "cluster/spec/model.h"

namespace pgdecl::pg {
namespace {

std::string joined_names(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ",") + name;
  return joined;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

// One row per name asked for and per name pgdecl.conf sets. pg_file_settings
// parses the files as they are on disk now, and the last line of a name
// wins. The fallback is what the server takes when pgdecl.conf does not set
// a name: postgresql.conf's line, else the built-in default.
constexpr const char* kReadSettings = R"(
WITH file AS (
  SELECT DISTINCT ON (lower(name), sourcefile) lower(name) AS name, setting, sourcefile
  FROM pg_file_settings
  WHERE sourcefile LIKE '%/pgdecl.conf' OR sourcefile LIKE '%/postgresql.auto.conf'
     OR sourcefile LIKE '%/postgresql.conf'
  ORDER BY lower(name), sourcefile, seqno DESC),
own AS (SELECT name, setting FROM file WHERE sourcefile LIKE '%/pgdecl.conf'),
auto AS (SELECT name, setting FROM file WHERE sourcefile LIKE '%/postgresql.auto.conf'),
base AS (SELECT name, setting FROM file WHERE sourcefile LIKE '%/postgresql.conf'),
wanted AS (SELECT unnest(string_to_array($1, ',')) AS name UNION SELECT name FROM own)
SELECT w.name, s.name IS NOT NULL, current_setting(s.name), s.setting, s.vartype, coalesce(s.unit, ''),
       s.context, coalesce(s.min_val, ''), coalesce(s.max_val, ''),
       coalesce(array_to_string(s.enumvals, ','), ''), a.setting, o.setting, s.pending_restart,
       b.setting, s.boot_val
FROM wanted w
LEFT JOIN pg_settings s ON lower(s.name) = w.name
LEFT JOIN auto a ON a.name = w.name
LEFT JOIN own o ON o.name = w.name
LEFT JOIN base b ON b.name = w.name)";

// A built-in default in pg_settings' units, as a value a config file could
// hold: 1024 with unit 8kB is 8192kB.
std::string with_unit(const std::string& value, const std::string& unit) {
  if (unit.empty() || value.empty() || value.find_first_not_of("-0123456789") != std::string::npos)
    return value;
  std::size_t digits = unit.find_first_not_of("0123456789");
  if (digits == 0) return value + unit;
  return std::to_string(std::stoll(value) * std::stoll(unit.substr(0, digits))) + unit.substr(digits);
}

// With archive_mode off the server shows "(disabled)" for archive_command,
// whatever it holds: what it holds is what the files say, in the order the
// server reads them (postgresql.auto.conf over pgdecl.conf over
// postgresql.conf), else the default.
std::string value_in_files(const std::vector<std::optional<std::string>>& row) {
  for (int column : {10, 11, 13}) {
    if (row[column]) return *row[column];
  }
  return row[14].value_or("");
}

}  // namespace

Result<NodeSettings> read_node_settings(SqlSession& connection, const std::vector<std::string>& names) {
  // The spec's names are lower case; the server spells a few in mixed
  // case (TimeZone, DateStyle, IntervalStyle).
  auto rows = connection.query_with_server_settings(kReadSettings, {joined_names(names)});
  if (!rows) return rows.status();
  NodeSettings out;
  for (const auto& row : rows->rows) {
    const std::string& name = *row[0];
    if (row[11]) out.pgdecl_conf[name] = *row[11];
    if (row[1] != "t") continue;
    ServerSetting s;
    s.display = *row[2];
    std::string setting = *row[3];
    if (name == "archive_command" && s.display == "(disabled)") s.display = setting = value_in_files(row);
    s.context = *row[6];
    s.definition = {*row[4], *row[5], *row[7], *row[8], split(*row[9])};
    s.set_by_alter_system = row[10];
    s.pending_restart = row[12] == "t";
    s.canonical = canonical_setting(setting, s.definition.vartype, s.definition.unit).value_or(setting);
    s.fallback = row[13] ? *row[13] : with_unit(row[14].value_or(""), s.definition.unit);
    out.server[name] = std::move(s);
  }
  return out;
}

Status check_parameters(const ServerSettings& server, const std::map<std::string, std::string>& parameters,
                        const std::string& node, const std::set<std::string>& secret) {
  for (const auto& [name, value] : parameters) {
    auto found = server.find(name);
    if (found == server.end()) {
      return Status::invalid_argument(node + ".parameters: unknown parameter '" + name + "'");
    }
    if (auto problem = setting_value_problem(value, found->second.definition)) {
      if (secret.count(name)) {
        for (std::size_t at; (at = problem->find(value)) != std::string::npos;)
          problem->replace(at, value.size(), spec::kSensitiveValue);
      }
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

bool needs_restart(const NodeSettings& now, const std::map<std::string, std::string>& file) {
  auto read_at_start = [&](const std::string& name) -> const ServerSetting* {
    auto found = now.server.find(name);
    return found != now.server.end() && found->second.context == "postmaster" ? &found->second : nullptr;
  };
  for (const auto& [name, value] : file) {
    const ServerSetting* s = read_at_start(name);
    if (s && canonical_setting(value, s->definition.vartype, s->definition.unit) != s->canonical) return true;
  }
  // A value the file no longer sets goes back to its fallback, at the next
  // start only.
  for (const auto& [name, value] : now.pgdecl_conf) {
    const ServerSetting* s = file.count(name) ? nullptr : read_at_start(name);
    if (s && canonical_setting(s->fallback, s->definition.vartype, s->definition.unit) != s->canonical)
      return true;
  }
  return false;
}

Status reset_alter_system(SqlSession& connection, const ServerSettings& server,
                          const std::map<std::string, std::string>& file) {
  for (const auto& [name, setting] : server) {
    if (!setting.set_by_alter_system || !file.count(name)) continue;
    if (auto s = connection.execute("ALTER SYSTEM RESET " + connection.escape_identifier(name)); !s) return s;
  }
  return Status::ok();
}

}  // namespace pgdecl::pg
