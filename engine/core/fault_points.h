#pragma once

#include <string>

namespace pgdecl {

// Where the fault tests kill pgdecl (kill -9, as a power cut or the OOM
// killer would): with PGDECL_TEST_KILL_AT set, the process SIGKILLs itself
// on reaching the point it names. Unset, as in every real run, these cost
// one comparison.
//
// Named points: PGDECL_TEST_KILL_AT=<name>, e.g. hba:written.
void fault_point(const char* name);

// Step boundaries of an apply, counted from 1 in the order they are
// reached (each step's start and its recording in the state):
// PGDECL_TEST_KILL_AT=boundary:<N> kills at the N-th. Each boundary is
// logged at trace level ("boundary N: ..."), which is how a test learns
// how many an apply has.
//
// PGDECL_TEST_STOP_AT=<what> stops the process instead (SIGSTOP) at the
// boundary logged as `what` ("pg_role.app recorded"), so a test can change
// the world under a paused apply and let it go on with SIGCONT.
void step_boundary(const std::string& what);

}  // namespace pgdecl
