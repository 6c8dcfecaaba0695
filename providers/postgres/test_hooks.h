#pragma once

#include <string_view>

namespace pgdecl::pg {

// For tests of what survives pgdecl being killed: when the environment
// variable PGDECL_TEST_KILL_AT names `point`, the process kills itself
// there with SIGKILL (no handler, no clean-up, as `kill -9` would). Inert
// otherwise; always compiled in, so the binary under test is the one users
// run.
void kill_here_if_asked(std::string_view point);

}  // namespace pgdecl::pg
