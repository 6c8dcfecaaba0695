#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "providers/postgres/session/connection.h"

namespace pgdecl::pg {

// How the master sees one replica: its row in pg_stat_replication (matched
// by the replica's own application_name, so a copy in progress does not
// count) and its slot.
struct ReplicaStream {
  std::string state = "not connected";  // streaming, catchup, startup, backup, not connected
  std::optional<long long> lag_bytes;   // master's current WAL position minus the replayed one
  std::optional<double> lag_seconds;    // replay_lag
  std::optional<bool> slot_active;      // nullopt: no slot
};

struct SlotState {
  bool active = false;
  std::string wal_status;
};

// Every replication slot and WAL sender on the master, in one query.
struct MasterReplication {
  std::map<std::string, SlotState> slots;        // by slot name
  std::map<std::string, ReplicaStream> senders;  // by application_name
  std::optional<SlotState> slot(const std::string& name) const;
  // Senders come oldest first. A replica can have two under its name for a
  // moment (it reconnects before the old one is gone): a streaming one
  // speaks for it over any other, and of two alike the newer one.
  void add_sender(const std::string& application_name, const ReplicaStream& stream);
  ReplicaStream stream_of(const std::string& replica) const;  // with its slot's state
};
Result<MasterReplication> read_master_replication(SqlSession& master);

// A refresh asks the master once for every replica's slot and stream; while
// an apply runs, where both change, each question goes to the server.
class MasterReplicationCache {
 public:
  MasterReplicationCache() = default;
  // Moved only while its context is built, before any thread uses it.
  MasterReplicationCache(MasterReplicationCache&& other) noexcept
      : held_(other.held_), kept_(std::move(other.kept_)) {}

  void hold();
  void release();
  Result<MasterReplication> get(SqlSession& master);

 private:
  std::mutex mutex_;
  bool held_ = false;
  std::optional<MasterReplication> kept_;
};

}  // namespace pgdecl::pg
