#pragma once

#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

enum class SocketWait { kReady, kDeadline, kBroken };

// Waits until `socket` can be read (or written) or `deadline` passes; a
// signal does not end the wait early.
SocketWait wait_for_socket(int socket, bool for_reading, Clock::time_point deadline);

}  // namespace pgdecl::pg
