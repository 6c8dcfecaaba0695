#pragma once

#include <functional>
#include <optional>
#include <string>

#include "providers/postgres/node/master_replication.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// The master's view of one replica; in a refresh, from the one read that
// serves every replica.
Result<ReplicaStream> read_replica_stream(NodeContext& context, SqlSession& master,
                                          const std::string& replica);

// Healthy: streaming, through its slot when it has one, and replay lag
// under kHealthyLagBytes.
inline constexpr long long kHealthyLagBytes = 16LL * 1024 * 1024;
bool is_healthy(const ReplicaStream& stream, bool slots);

// Waits until the master sees the replica healthy, for the context's
// ready_timeout. Stops early when the replica's container stops; a timeout
// says what the master saw last, the replica's own complaint (password
// authentication failed, requested WAL already removed) and its last log
// lines.
// `stop` (an interrupt), asked between polls, ends the wait early.
using StopWaiting = std::function<bool()>;
Status wait_until_streaming(NodeContext& context, const std::string& replica, const std::string& container_id,
                            const StopWaiting& stop = {});

// Waits until the replica has replayed everything the master has written
// so far: a standby restarted before it replays the master's latest
// parameter change checks its settings against the old ones.
Status wait_until_caught_up(NodeContext& context, const std::string& replica);

// The end of an apply: every replica of the spec streaming, whatever the
// apply restarted on the way (a master restart drops every stream). Every
// step is recorded by then, so `stop` ends the wait within a poll: the
// user who interrupts need not wait out --timeout.
Status wait_until_replicas_stream(NodeContext& context, const StopWaiting& stop = {});

}  // namespace pgdecl::pg
