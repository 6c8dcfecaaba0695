#include "providers/postgres/test_hooks.h"

#include <csignal>
#include <cstdlib>

namespace pgdecl::pg {

void kill_here_if_asked(std::string_view point) {
  const char* asked = std::getenv("PGDECL_TEST_KILL_AT");
  if (asked && point == asked) std::raise(SIGKILL);
}

}  // namespace pgdecl::pg
