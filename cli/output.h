#pragma once

#include <string>

namespace pgdecl::cli {

// Colour only on a terminal, and never when NO_COLOR is set.
bool stdout_wants_color();
bool stdin_is_terminal();
// Asks on the terminal; true only for the exact answer "yes".
bool confirm(const std::string& question);
void print_error(const std::string& message);

}  // namespace pgdecl::cli
