#pragma once

#include <map>
#include <optional>
#include <string>

#include "engine/core/result.h"
#include "providers/postgres/connection.h"
#include "providers/postgres/setting_value.h"

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
};

using ServerSettings = std::map<std::string, ServerSetting>;

// The named parameters, in one round trip; names the server does not know
// are simply absent.
Result<ServerSettings> read_server_settings(Connection& connection,
                                            const std::map<std::string, std::string>& parameters);

// The first problem the server would have with these values: an unknown
// name, or a value out of type, range or choices. Ok when none.
Status check_parameters(const ServerSettings& server, const std::map<std::string, std::string>& parameters,
                        const std::string& node);

// True when the server runs every value as given (compared canonically).
bool all_in_force(const ServerSettings& server, const std::map<std::string, std::string>& parameters);

// True when one of the values that differ is read only at server start.
bool needs_restart(const ServerSettings& server, const std::map<std::string, std::string>& parameters);

// Takes the spec's parameters out of postgresql.auto.conf, so pgdecl's file
// decides them again. The server reads the change at its next reload.
Status reset_alter_system(Connection& connection, const ServerSettings& server);

}  // namespace pgdecl::pg
