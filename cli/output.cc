#include "cli/output.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace pgdecl::cli {

bool stdout_wants_color() {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

bool stdin_is_terminal() { return isatty(STDIN_FILENO); }

bool confirm(const std::string& question) {
  std::cout << question << "\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

void print_error(const std::string& message) { std::cerr << "Error: " << message << "\n"; }

}  // namespace pgdecl::cli
