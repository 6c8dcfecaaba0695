#include "providers/postgres/replication/replica_volume.h"

#include "providers/postgres/node/node_probe.h"

namespace pgdecl::pg {
namespace {

VolumeFound classify_data(const ReplicaData& data, const MasterIdentity& master) {
  if (!data.has_data) return {VolumeHolds::kNothing, "no data yet"};
  if (!data.system_identifier) return {VolumeHolds::kNoControlFile, "a data directory without pg_control"};
  const std::string mine = std::to_string(*data.system_identifier);
  if (master.kind == MasterIdentity::Kind::kNew)
    return {VolumeHolds::kOtherCluster, "data of another cluster (system identifier " + mine + ")"};
  if (master.kind == MasterIdentity::Kind::kUnknown)
    return {VolumeHolds::kUnknownMaster, "data of system identifier " + mine};
  if (*data.system_identifier != master.system_identifier) {
    return {VolumeHolds::kOtherCluster, "data of another cluster (system identifier " + mine +
                                            "; the master's is " + std::to_string(master.system_identifier) +
                                            ")"};
  }
  if (!data.complete) return {VolumeHolds::kUnfinishedCopy, "an unfinished copy of this master"};
  if (data.promoted)
    return {VolumeHolds::kPromoted, "a copy of this master promoted to a primary of its own"};
  return {VolumeHolds::kStandby, kStandbyWords};
}

}  // namespace

Result<MasterIdentity> read_master_identity(NodeContext& context) {
  std::string identifier;
  auto probed =
      probe_node(context, context.spec.primary().name, [&](SqlSession& c) -> Result<engine::LiveResource> {
        auto rows = c.query("SELECT system_identifier::text FROM pg_control_system()");
        if (!rows) return rows.status();
        identifier = rows->rows.at(0).at(0).value_or("");
        return engine::LiveResource{};
      });
  if (!probed) return probed.status();
  if (!probed->has_value()) return MasterIdentity{MasterIdentity::Kind::kNew, 0};
  if (is_unknown(&**probed)) return MasterIdentity{};
  return MasterIdentity{MasterIdentity::Kind::kKnown, std::stoull(identifier)};
}

VolumeFound classify_volume(const ReplicaData& data, const MasterIdentity& master) {
  VolumeFound found = classify_data(data, master);
  found.master_unknown = data.has_data && master.kind == MasterIdentity::Kind::kUnknown;
  return found;
}

VolumeFound wal_gone_standby(std::string why) {
  return {VolumeHolds::kWalGone, "a standby of this master that needs WAL the master has removed",
          std::move(why)};
}

bool kept_unless_replaced(VolumeHolds holds) {
  return holds == VolumeHolds::kOtherCluster || holds == VolumeHolds::kPromoted;
}

}  // namespace pgdecl::pg
