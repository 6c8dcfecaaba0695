#include "providers/postgres/session/socket_wait.h"

#include <poll.h>

#include <cerrno>

namespace pgdecl::pg {

SocketWait wait_for_socket(int socket, bool for_reading, Clock::time_point deadline) {
  if (socket < 0) return SocketWait::kBroken;
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return SocketWait::kDeadline;
    pollfd watched{socket, static_cast<short>(for_reading ? POLLIN : POLLOUT), 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
    if (ready > 0) return SocketWait::kReady;  // errors too: libpq reads them
    if (ready < 0 && errno != EINTR) return SocketWait::kBroken;
  }
}

}  // namespace pgdecl::pg
