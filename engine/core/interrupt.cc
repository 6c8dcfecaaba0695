#include "engine/core/interrupt.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

namespace pgdecl {
namespace {

std::atomic<int> signals_received{0};

void write_stderr(const char* text) {
  // write(2) is async-signal-safe; stdio and spdlog are not.
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void on_signal(int) {
  if (signals_received.fetch_add(1) == 0) {
    write_stderr(
        "\nInterrupt received: no new step starts; the steps in flight finish and are recorded in the "
        "state.\nSend it again to stop at once (a step in flight is then left half done).\n");
    return;
  }
  write_stderr("\nTwo interrupts received: stopping at once. The state records every step that completed.\n");
  ::_exit(kExitInterrupted);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // Calls a worker thread is blocked in (a socket read) go on rather than
  // fail with EINTR: the first signal only stops new steps.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() { return signals_received.load() > 0; }

void request_interrupt_for_test(bool requested) { signals_received.store(requested ? 1 : 0); }

}  // namespace pgdecl
