#pragma once

#include <string>

#include "engine/core/result.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// Moves writes from the primary the cluster has now to the replica
// `target`, losing no committed transaction:
//   0. the read-write alias (<cluster>-rw) goes to the target, which streams
//      again before anything else (Docker reconnects it to the network);
//   1. a checkpoint on the primary, so that its shutdown checkpoint is short;
//   2. the primary's container loses its restart policy and is stopped
//      cleanly (PostgreSQL's fast shutdown, with a long timeout: a SIGKILL
//      would leave WAL the target never received);
//   3. the target must have received the old primary's shutdown checkpoint
//      (read from its pg_control): then the old primary's WAL is a prefix of
//      the target's and it can follow it with no rewind. If not, the old
//      primary is started again unchanged, with the alias back, and the
//      switchover fails; if so, it loses the alias while it is stopped;
//   4. the target is promoted;
//   5. the new primary gets a slot for every other node, and the other
//      replicas are pointed at it (their pgdecl.conf, a reload);
//   6. the old primary is made a standby of the new one (standby.signal,
//      its pgdecl.conf, the replication password file and the copy's
//      marker, written into its stopped volume) and started again, with its
//      restart policy back, and waits until it streams.
// The write outage is steps 2 to 4. Once the target is promoted,
// context.primary_moved is told, and the run's roles follow.
Status switch_over(NodeContext& context, const std::string& target);

// Moves writes to `target` when the primary's server does not answer:
//   1. the old primary is fenced: its container loses its restart policy
//      and is stopped, loses the read-write alias, and a standby.signal is
//      written into its volume, so
//      that whoever starts it (Docker, a person, a reboot) gets a
//      read-only standby; when it cannot be fenced the failover is refused,
//      unless context.force;
//   2. the target takes the read-write alias and is promoted, gets a slot
//      for every other node, and the other replicas are pointed at it;
//   3. the old primary is rewound with pg_rewind (what it wrote that the
//      target never received goes) and rejoins as a standby. When it
//      cannot, the failover stands, and it stays fenced.
Status fail_over(NodeContext& context, const std::string& target);

// The fields of a pg_control file that tell how its server stopped.
struct ControlState {
  int state = 0;                      // DBState: 1 is "shut down"
  unsigned long long checkpoint = 0;  // the latest checkpoint's LSN
};
std::optional<ControlState> control_state_of(const std::string& pg_control);
inline constexpr int kShutDown = 1;

// An LSN as PostgreSQL writes it: "16/B374D848".
std::string lsn_text(unsigned long long lsn);

}  // namespace pgdecl::pg
