#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "providers/postgres/config/setting_value.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

// One parameter as the server has it, from pg_settings.
struct ServerSetting {
  std::string display;    // as SHOW prints it: 128MB
  std::string canonical;  // see canonical_setting
  std::string context;    // postmaster: read only at start
  SettingDefinition definition;
  // What ALTER SYSTEM wrote to postgresql.auto.conf, which the server
  // reads after pgdecl's file: while it is there, it wins.
  std::optional<std::string> set_by_alter_system;
  // A config file now holds another value, which the server takes only at
  // its next start.
  bool pending_restart = false;
  // What the server takes when pgdecl.conf does not set it: the value in
  // postgresql.conf, else the built-in default.
  std::string fallback;
};

using ServerSettings = std::map<std::string, ServerSetting>;

// A node's settings as the server runs them and as pgdecl.conf, the file
// pgdecl writes, sets them now (read back from disk by the server, so an
// edit made behind pgdecl's back shows).
struct NodeSettings {
  // The named parameters and every one pgdecl.conf sets; names the server
  // does not know are absent.
  ServerSettings server;
  // name -> value, unquoted, names in lower case; empty when the file is
  // missing.
  std::map<std::string, std::string> pgdecl_conf;
};

// In one round trip.
Result<NodeSettings> read_node_settings(SqlSession& connection, const std::vector<std::string>& names);

// The first problem the server would have with these values: an unknown
// name, or a value out of type, range or choices. Ok when none. The value of
// a parameter in `secret` is never quoted.
Status check_parameters(const ServerSettings& server, const std::map<std::string, std::string>& parameters,
                        const std::string& node, const std::set<std::string>& secret = {});

// True when the server runs every value as given (compared canonically).
bool all_in_force(const ServerSettings& server, const std::map<std::string, std::string>& parameters);

// True when writing `file` (name -> value, as settings_in_file reads it)
// changes a value the server reads only at start.
bool needs_restart(const NodeSettings& now, const std::map<std::string, std::string>& file);

// Takes the parameters `file` sets out of postgresql.auto.conf, so pgdecl's
// file decides them again. The server reads the change at its next reload.
Status reset_alter_system(SqlSession& connection, const ServerSettings& server,
                          const std::map<std::string, std::string>& file);

}  // namespace pgdecl::pg
