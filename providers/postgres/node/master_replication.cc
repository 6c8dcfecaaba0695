#include "providers/postgres/node/master_replication.h"

#include "cluster/render/replica_config.h"

namespace pgdecl::pg {

std::optional<SlotState> MasterReplication::slot(const std::string& name) const {
  auto found = slots.find(name);
  if (found == slots.end()) return std::nullopt;
  return found->second;
}

ReplicaStream MasterReplication::stream_of(const std::string& replica) const {
  auto found = senders.find(replica);
  ReplicaStream stream = found == senders.end() ? ReplicaStream{} : found->second;
  if (auto own = slot(engine::slot_name(replica))) stream.slot_active = own->active;
  return stream;
}

void MasterReplication::add_sender(const std::string& application_name, const ReplicaStream& stream) {
  auto kept = senders.find(application_name);
  if (kept != senders.end() && kept->second.state == "streaming" && stream.state != "streaming") return;
  senders[application_name] = stream;
}

// Senders oldest first, as add_sender expects. Replay lag turns NULL once a
// caught-up replica has been idle for a while, which means no lag, not an
// unknown one.
constexpr const char* kReadReplication = R"sql(
SELECT 'slot', slot_name::text, active::text, coalesce(wal_status, ''), NULL, NULL
  FROM pg_replication_slots
UNION ALL
SELECT 'sender', application_name, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text,
       coalesce(extract(epoch from replay_lag), case when replay_lsn = pg_current_wal_lsn() then 0 end)::text,
       backend_start
  FROM pg_stat_replication
 ORDER BY 6)sql";

Result<MasterReplication> read_master_replication(SqlSession& master) {
  auto rows = master.query(kReadReplication);
  if (!rows) return rows.status();
  MasterReplication out;
  for (const Row& row : rows->rows) {
    const std::string name = row.at(1).value_or("");
    if (row.at(0) == "slot") {
      out.slots[name] = SlotState{row.at(2) == "true", row.at(3).value_or("")};
      continue;
    }
    ReplicaStream stream;
    if (row.at(2)) stream.state = *row.at(2);
    if (row.at(3)) stream.lag_bytes = std::stoll(*row.at(3));
    if (row.at(4)) stream.lag_seconds = std::stod(*row.at(4));
    out.add_sender(name, stream);
  }
  return out;
}

void MasterReplicationCache::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
  kept_.reset();
}

void MasterReplicationCache::release() {
  std::lock_guard lock(mutex_);
  held_ = false;
  kept_.reset();
}

Result<MasterReplication> MasterReplicationCache::get(SqlSession& master) {
  std::lock_guard lock(mutex_);
  if (held_ && kept_) return *kept_;
  auto read = read_master_replication(master);
  if (read && held_) kept_ = *read;
  return read;
}

}  // namespace pgdecl::pg
