#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cluster/spec/model.h"

namespace pgdecl::engine {

// A replica as it answers while the primary does not: how much WAL it has
// received (a byte position; -1 when it does not answer).
struct FailoverCandidate {
  std::string node;
  long long received = -1;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FailoverCandidate, node, received)

// What a read of pg_primary found (its details): the primary's server as
// it answered, and the replica a switchover would promote, so that the plan
// can say whether the switchover may go ahead, and why not.
struct PrimaryFacts {
  std::string unasked;  // why the primary could not be asked; empty when it was
  bool in_recovery = false;
  long long timeline = 0;
  bool data_checksums = false;
  bool wal_log_hints = false;
  // The replica the spec makes primary, when that is not the primary now.
  std::string target;
  std::string target_state;       // as pg_stat_replication shows it; empty when not streaming
  long long target_lag = -1;      // bytes of WAL it has not replayed; -1 when unknown
  long long target_timeline = 0;  // as its WAL receiver has it; 0 when unknown
  long long lsn = -1;             // the primary's current WAL position, when asked
  // When it could not be asked: for how long its server has been away, in
  // ms (-1: not known to be away for any time), the last WAL position
  // known of it (-1: none), and the replicas that could take over.
  long long down_ms = -1;
  long long last_lsn = -1;
  std::vector<FailoverCandidate> candidates;
  // Another node that already takes writes (a switchover or failover cut
  // short after its promotion): no replica may be promoted beside it.
  std::string writable_elsewhere;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PrimaryFacts, unasked, in_recovery, timeline, data_checksums,
                                                wal_log_hints, target, target_state, target_lag,
                                                target_timeline, lsn, down_ms, last_lsn, candidates,
                                                writable_elsewhere)

// Why a switchover to facts.target may not go ahead, or "" when it may:
// the target streams from the primary on its timeline, within `max_lag`
// bytes, and pg_rewind could take the old primary back (data checksums
// or wal_log_hints).
std::string switchover_refusal(const PrimaryFacts& facts, long long max_lag);

// pg_primary's recorded attribute: set by a failover, cleared by a
// switchover. While it is set, the spec's primary is gone back to only as
// ha.failback says, and only once it streams.
inline constexpr const char* kFailedOver = "failed_over";

// The replica a failover promotes: the one that received the most WAL, of
// those that answer; on a tie, the highest priority, then the first in the
// spec's order. Empty when none answers.
std::string failover_target(const PrimaryFacts& facts, const spec::ClusterSpec& spec);

// Whether the primary has been away long enough to fail it over.
bool failover_due(const PrimaryFacts& facts, const spec::ClusterSpec& spec);

// Why a failover to `target` may not go ahead without --force, or "".
std::string failover_refusal(const PrimaryFacts& facts, const std::string& target,
                             const spec::ClusterSpec& spec);

}  // namespace pgdecl::engine
