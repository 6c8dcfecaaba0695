#pragma once

namespace pgdecl::cli {

// Exit codes users and CI count on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;  // plan --detailed-exitcode only
// Neither 1 (error) nor 2 (plan's "there are changes"): the cluster (or
// its archive) could be read, and it is not healthy.
inline constexpr int kExitUnhealthy = 3;

int run(int argc, char** argv);

}  // namespace pgdecl::cli
