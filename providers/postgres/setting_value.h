#pragma once

#include <optional>
#include <string>

namespace pgdecl::pg {

// A parameter's value in one canonical spelling, so that "1GB", "1024MB"
// and the server's "131072" (unit 8kB) compare equal: memory in bytes, time
// in microseconds, booleans as on/off, enums in lower case. `unit` and
// `vartype` are pg_settings' columns for the parameter. nullopt: the text
// is not a valid value of that type.
std::optional<std::string> canonical_setting(const std::string& value, const std::string& vartype,
                                             const std::string& unit);

}  // namespace pgdecl::pg
