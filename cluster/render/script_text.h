#pragma once

#include <string>

namespace pgdecl::engine {

// Every @NAME@ in `text` replaced by `value`: placeholders keep a rendered
// script readable as the shell it is.
std::string replaced(std::string text, const std::string& key, const std::string& value);

// A libpq conninfo value in single quotes, quotes and backslashes escaped.
std::string conninfo_value(const std::string& value);

// One field of a libpq password file, ':' and '\' escaped.
std::string passfile_field(const std::string& value);

}  // namespace pgdecl::engine
