#include "cluster/desired/primary_facts.h"

namespace pgdecl::engine {

std::string switchover_refusal(const PrimaryFacts& facts, long long max_lag) {
  const std::string target = facts.target;
  if (!facts.unasked.empty()) return "the primary cannot be asked: " + facts.unasked;
  if (facts.in_recovery) return "the primary's server is in recovery, not taking writes";
  if (facts.target_state != "streaming") {
    return target + " does not stream from the primary" +
           (facts.target_state.empty() ? std::string() : " (it is " + facts.target_state + ")");
  }
  if (facts.target_timeline != 0 && facts.target_timeline != facts.timeline) {
    return target + " receives timeline " + std::to_string(facts.target_timeline) + ", the primary is on " +
           std::to_string(facts.timeline);
  }
  if (facts.target_lag < 0) return "how far " + target + " lags cannot be told";
  if (facts.target_lag > max_lag) {
    return target + " lags " + std::to_string(facts.target_lag) +
           " bytes behind the primary, over ha.max_lag (" + std::to_string(max_lag) + " bytes)";
  }
  if (!facts.data_checksums && !facts.wal_log_hints) {
    return "neither data checksums nor wal_log_hints are on, so pg_rewind could not take the old primary "
           "back "
           "as a replica if it had to";
  }
  return "";
}

std::string failover_target(const PrimaryFacts& facts, const spec::ClusterSpec& spec) {
  std::string best;
  long long most = -1;
  int best_priority = -1;
  for (const spec::NodeSpec* node : spec.nodes()) {
    for (const auto& candidate : facts.candidates) {
      if (candidate.node != node->name) continue;
      if (candidate.received > most || (candidate.received == most && node->priority > best_priority)) {
        most = candidate.received;
        best_priority = node->priority;
        best = candidate.node;
      }
    }
  }
  return best;
}

bool failover_due(const PrimaryFacts& facts, const spec::ClusterSpec& spec) {
  return !facts.unasked.empty() && facts.down_ms >= 0 && facts.down_ms >= spec.ha.failover_delay.count();
}

std::string failover_refusal(const PrimaryFacts& facts, const std::string& target,
                             const spec::ClusterSpec& spec) {
  if (!facts.writable_elsewhere.empty()) {
    return facts.writable_elsewhere +
           " already takes writes (a switchover or failover cut short?): promoting another node would make a "
           "second primary; stop the one that should not take writes, then plan again";
  }
  if (target.empty()) return "no replica answers";
  if (facts.last_lsn < 0) return "";
  for (const auto& candidate : facts.candidates) {
    if (candidate.node != target) continue;
    const long long behind = facts.last_lsn - candidate.received;
    if (behind > spec.ha.max_lag_bytes) {
      return target + " had received " + std::to_string(behind) +
             " bytes less than the primary last wrote, over ha.max_lag (" +
             std::to_string(spec.ha.max_lag_bytes) + " bytes): what it lacks would be lost";
    }
  }
  return "";
}

}  // namespace pgdecl::engine
