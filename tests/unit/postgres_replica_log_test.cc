// A replica's reason for not streaming, read from its server's log.

#include <catch2/catch.hpp>

#include "providers/postgres/node/replica_log.h"

using pgdecl::pg::streaming_complaint;

namespace {

// As the postgres:15 image logs to stderr: time, pid, severity, message.
const std::string kStarted =
    "2025-01-01 10:00:00.000 UTC [1] LOG:  starting PostgreSQL 15.10 on x86_64-pc-linux-gnu\n"
    "2025-01-01 10:00:00.100 UTC [1] LOG:  database system is ready to accept read-only connections\n";
const std::string kStreaming =
    "2025-01-01 10:00:00.200 UTC [30] LOG:  started streaming WAL from primary at 0/3000000 on timeline 1\n";
const std::string kAuthFailed =
    "2025-01-01 10:00:05.000 UTC [41] FATAL:  could not connect to the primary server: connection to server "
    "at \"master\" (172.18.0.2), port 5432 failed: FATAL:  password authentication failed for user "
    "\"replicator\"\n";
const std::string kWalRemoved =
    "2025-01-01 10:00:06.000 UTC [42] FATAL:  could not receive data from WAL stream: ERROR:  requested WAL "
    "segment 000000010000000000000003 has already been removed\n";

}  // namespace

TEST_CASE("a replica's last complaint about its master is quoted from the severity on", "[unit]") {
  CHECK(streaming_complaint(kStarted + kStreaming + kAuthFailed) ==
        "FATAL:  could not connect to the primary server: connection to server at \"master\" (172.18.0.2), "
        "port 5432 failed: FATAL:  password authentication failed for user \"replicator\"");
  // The latest one counts, even after a moment of streaming.
  CHECK(streaming_complaint(kStarted + kAuthFailed + kStreaming + kWalRemoved) ==
        "FATAL:  could not receive data from WAL stream: ERROR:  requested WAL segment "
        "000000010000000000000003 has already been removed");
}

TEST_CASE("a complaint answered since, by streaming, a restart or a promotion, is none", "[unit]") {
  CHECK_FALSE(streaming_complaint(kStarted + kStreaming));
  CHECK_FALSE(streaming_complaint(kAuthFailed + kStreaming));
  CHECK_FALSE(streaming_complaint(kAuthFailed + kStarted));
  CHECK_FALSE(streaming_complaint(kStarted + kStreaming +
                                  "2025-01-01 10:01:00.000 UTC [20] LOG:  received promote request\n"
                                  "2025-01-01 10:01:00.001 UTC [30] FATAL:  terminating walreceiver process "
                                  "due to administrator command\n"
                                  "2025-01-01 10:01:00.002 UTC [20] LOG:  selected new timeline ID: 2\n"));
}

TEST_CASE("what others say to the replica, or the replica of other things, is not its complaint", "[unit]") {
  // A client that signs in to the replica with a wrong password.
  CHECK_FALSE(streaming_complaint(
      kStarted + kStreaming +
      "2025-01-01 10:02:00.000 UTC [50] FATAL:  password authentication failed for user \"app\"\n"
      "2025-01-01 10:02:00.000 UTC [50] DETAIL:  Connection matched pg_hba.conf line 3\n"
      "2025-01-01 10:02:01.000 UTC [51] ERROR:  cannot execute INSERT in a read-only transaction\n"));
  CHECK_FALSE(streaming_complaint(""));
}
