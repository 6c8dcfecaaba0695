#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgdecl::pg {

// A parameter's value in one canonical spelling, so that "1GB", "1024MB"
// and the server's "131072" (unit 8kB) compare equal: memory in bytes, time
// in microseconds, booleans as on/off, enums in lower case. `unit` and
// `vartype` are pg_settings' columns for the parameter. nullopt: the text
// is not a valid value of that type.
std::optional<std::string> canonical_setting(const std::string& value, const std::string& vartype,
                                             const std::string& unit);

// What pg_settings says a parameter accepts.
struct SettingDefinition {
  std::string vartype;
  std::string unit;
  std::string min_val, max_val;          // empty when the type has none
  std::vector<std::string> enum_values;  // for vartype enum
};

// Why the server would refuse `value`, in words; nullopt when it would take
// it. Checked before a file is written, so a bad value never waits in a
// config file for the next restart to fail on.
std::optional<std::string> setting_value_problem(const std::string& value,
                                                 const SettingDefinition& definition);

}  // namespace pgdecl::pg
