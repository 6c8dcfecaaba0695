#pragma once

namespace pgdecl::cli {

// Exit codes users and CI count on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;  // plan --detailed-exitcode only

int run(int argc, char** argv);

}  // namespace pgdecl::cli
