#pragma once

#include <cstdint>
#include <string>

#include "engine/model/details.h"
#include "providers/postgres/node/replica_data.h"

namespace pgdecl::pg {

// What the master is, as far as a replica's data is concerned: its system
// identifier, none yet (a new master), or not known now (not running).
struct MasterIdentity {
  enum class Kind { kKnown, kNew, kUnknown } kind = Kind::kUnknown;
  std::uint64_t system_identifier = 0;
};

// Asks the master's server, through the node probe.
Result<MasterIdentity> read_master_identity(NodeContext& context);

// What a replica's volume holds, which decides what apply does with it.
enum class VolumeHolds {
  kNothing,         // no data yet: copied
  kNoControlFile,   // a data directory without pg_control: copied again
  kOtherCluster,    // another cluster's data: never copied over unless --replace
  kUnknownMaster,   // data, but the master cannot be asked whose: checked again
  kUnfinishedCopy,  // a copy of this master that did not finish: copied again
  kStandby,         // a standby of this master: kept
  kWalGone,         // a standby that needs WAL the master removed: copied again
  kPromoted,        // a copy promoted to a primary of its own: never copied over unless --replace
};
NLOHMANN_JSON_SERIALIZE_ENUM(VolumeHolds, {{VolumeHolds::kNothing, "nothing"},
                                           {VolumeHolds::kNoControlFile, "no_control_file"},
                                           {VolumeHolds::kOtherCluster, "other_cluster"},
                                           {VolumeHolds::kUnknownMaster, "unknown_master"},
                                           {VolumeHolds::kUnfinishedCopy, "unfinished_copy"},
                                           {VolumeHolds::kStandby, "standby"},
                                           {VolumeHolds::kWalGone, "wal_gone"},
                                           {VolumeHolds::kPromoted, "promoted"}})

// What a read of pg_replica found: what the volume holds, in words for the
// plan's `data` attribute and as the value decisions are made on (its
// details), and why the master removed WAL it needs, when it did.
struct VolumeFound {
  VolumeHolds holds = VolumeHolds::kStandby;
  std::string words;
  std::string why_wal_gone = {};
  // The volume holds data and the master could not be asked whose: the
  // plan checks it again once the master is up, whatever it holds.
  bool master_unknown = false;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VolumeFound, holds, words, why_wal_gone, master_unknown)

// The words for a standby of this master: the `data` a plan wants.
inline constexpr const char* kStandbyWords = "a standby of this master";

VolumeFound classify_volume(const ReplicaData& data, const MasterIdentity& master);

// The standby found to need WAL the master removed (`why`).
VolumeFound wal_gone_standby(std::string why);

// What apply never copies over unless --replace asks: another cluster's
// data, or a promoted copy, which may hold writes the master never saw.
bool kept_unless_replaced(VolumeHolds holds);

}  // namespace pgdecl::pg
