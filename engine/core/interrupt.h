#pragma once

namespace pgdecl {

// SIGINT and SIGTERM during a run that changes things, as in Terraform: the
// first asks the run to stop starting new steps (the steps in flight finish
// and are recorded, the lock is released, the exit code is 130); a second
// one ends the process at once. Before install_interrupt_handlers() the
// signals keep their default action.
void install_interrupt_handlers();
bool interrupt_requested();
// What the process exits with after an interrupt: 128 + SIGINT, as shells say.
inline constexpr int kExitInterrupted = 130;

// For tests: as if a signal had come (or had not).
void request_interrupt_for_test(bool requested);

}  // namespace pgdecl
