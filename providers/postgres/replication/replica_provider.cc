#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <set>

#include "cluster/layout/naming.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/node/copy_group.h"
#include "providers/postgres/node/node_probe.h"
#include "providers/postgres/node/node_readiness.h"
#include "providers/postgres/node/replica_data.h"
#include "providers/postgres/node/replica_health.h"
#include "providers/postgres/node/replica_log.h"
#include "providers/postgres/replication/replica_bootstrap.h"
#include "providers/postgres/replication/replica_providers.h"
#include "providers/postgres/replication/replica_volume.h"

namespace pgdecl::pg {
namespace {

// How long the first replica ready to copy waits for the others of its
// apply: their slots are made side by side with its own.
constexpr std::chrono::milliseconds kGatherCopies{200};

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

constexpr const char* kData = "data";
constexpr const char* kPassfile = "passfile";
constexpr const char* kPassfileCurrent = "holds the replication user's password";

// pg_replica.<replica>: the replica's data, copied from the master. A copy
// that is whole and of this master is never made again; data of another
// cluster is never overwritten unless --replace asks for it.
class ReplicaProvider : public engine::ResourceProvider {
 public:
  explicit ReplicaProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kReplica; }
  bool holds_user_data() const override { return true; }
  // A copy of the master's data: a master on new data is followed.
  OnNewData on_new_data() const override { return OnNewData::kCopyAgain; }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    // The primary's data is the cluster's own, not a copy (a switchover
    // made a replica the primary).
    if (ctx_.spec.is_master(address.name)) return std::optional<LiveResource>();
    auto volume = ctx_.docker.volume(node_spec(ctx_.spec, address.name).volume);
    if (!volume) return volume.status();
    if (!volume->has_value()) return std::optional<LiveResource>();
    auto master_identity = master_for_refresh();
    if (!master_identity) return master_identity.status();
    const MasterIdentity* master = &*master_identity;
    auto data = read_replica_data(ctx_, address.name);
    if (!data) return data.status();
    VolumeFound found = classify_volume(*data, *master);
    if (found.holds == VolumeHolds::kStandby && master->kind == MasterIdentity::Kind::kKnown) {
      auto gone = wal_gone(address.name);
      if (!gone) return gone.status();
      if (!gone->empty()) found = wal_gone_standby(*gone);
    }
    LiveResource live = live_of(address.name, found);
    // Only a replica the spec still has is checked for its password: one
    // leaving the spec may have no replication user left to compare with.
    if (data->complete && in_spec(address.name)) {
      auto wanted = wanted_passfile();
      if (!wanted) return wanted.status();
      live.attributes[kPassfile] = !data->passfile              ? "missing"
                                   : *data->passfile == *wanted ? kPassfileCurrent
                                                                : "holds another password";
    }
    return std::optional<LiveResource>(std::move(live));
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    PlannedChange change;
    change.address = address;
    if (live) change.before = *live;
    if (!desired) {
      if (live) {
        change.action = engine::Action::kForget;
        change.reasons.push_back("no longer in the spec: its data stays in its volume");
      }
      return change;
    }
    engine::DesiredResource want = *desired;
    want.attributes[kData] = kStandbyWords;
    change.after = want;
    if (!live) {
      change.action = engine::Action::kCreate;
      return change;
    }
    const VolumeFound found = engine::details_of<VolumeFound>(*live);
    const std::string& data = live->attributes.at(kData);
    if (found.master_unknown) {
      change.action = engine::Action::kUpdate;
      change.reasons.push_back(
          "the master cannot be asked now, so whose data the volume holds is checked again "
          "once it is up");
    } else if (found.holds == VolumeHolds::kNothing) {
      change.action = engine::Action::kCreate;
      change.reasons.push_back("the volume holds no data yet: pg_basebackup copies it from the master");
      change.remakes_data = true;
    } else if (kept_unless_replaced(found.holds)) {
      change.action = engine::Action::kUpdate;
      change.reasons.push_back("the volume holds " + data + ": apply does not copy over it; --replace " +
                               address.to_string() + " re-clones it, and its data is lost");
    } else if (found.holds == VolumeHolds::kWalGone) {
      change.action = engine::Action::kUpdate;
      change.reasons.push_back("the master removed WAL " + address.name + " still needs (" +
                               (found.why_wal_gone.empty() ? "its slot lost it" : found.why_wal_gone) +
                               "): it can never catch up, so it is copied again");
      change.remakes_data = true;
    } else if (found.holds != VolumeHolds::kStandby) {
      change.action = engine::Action::kUpdate;
      change.reasons.push_back("the volume holds " + data + ": it is copied again");
      change.remakes_data = true;
    }
    if (change.action != engine::Action::kNoOp) change.changes.push_back({kData, data, kStandbyWords});
    auto passfile = live->attributes.find(kPassfile);
    if (change.action == engine::Action::kNoOp && passfile != live->attributes.end() &&
        passfile->second != kPassfileCurrent) {
      // The replica signs in again with it at its next reconnection.
      change.action = engine::Action::kUpdate;
      change.reasons.push_back("the replica's password file " + passfile->second +
                               ": it is written again, or the replica could not sign in to the master");
      change.changes.push_back({kPassfile, passfile->second, kPassfileCurrent});
    }
    if (change.action != engine::Action::kNoOp) change.after->attributes[kPassfile] = kPassfileCurrent;
    return change;
  }

  // The replicas the plan copies together (plan.batches): see CopyGroup.
  void begin_apply(const engine::Plan& plan) override {
    // The next refresh (the one after a switchover, say) asks the master
    // again.
    {
      std::lock_guard lock(refresh_master_mutex_);
      refresh_master_.reset();
    }
    std::set<std::string> together;
    for (const auto& batch : plan.batches) {
      for (const auto& member : batch) {
        auto address = Address::parse(member);
        if (address && address->type == resource_type::kReplica) together.insert(address->name);
      }
    }
    new_copies_.arm(std::move(together));
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    const std::string& replica = change.address.name;
    // A volume this apply has just made holds nothing to check: the copy
    // goes ahead (its script still refuses a data directory it finds full).
    if (change.action == engine::Action::kCreate && !change.before) {
      Status copied = copy_into_new_volume(replica);
      if (copied) copied = wait_until_serving(replica);
      return {copied, copied ? std::optional<LiveResource>(live_of(replica, standby())) : std::nullopt};
    }
    auto master = read_master_identity(ctx_);
    if (!master) return {master.status(), change.before};
    auto data = read_replica_data(ctx_, replica);
    if (!data) return {data.status(), change.before};
    const VolumeFound found = classify_volume(*data, *master);
    // The plan found the WAL gone; by now its slot may have been made again
    // and look sound, but the copy still cannot catch up.
    const bool wal_gone =
        change.before && engine::details_of<VolumeFound>(*change.before).holds == VolumeHolds::kWalGone;
    if (found.holds == VolumeHolds::kStandby && change.action != engine::Action::kReplace && !wal_gone)
      return keep_copy(replica, *data);
    if (kept_unless_replaced(found.holds) && change.action != engine::Action::kReplace) {
      return {
          Status::failed("the volume of " + replica + " holds " + found.words + "; it is not copied over. " +
                         "--replace " + change.address.to_string() + " re-clones it, and its data is lost"),
          live_of(replica, found)};
    }
    const bool wipe = data->has_data;
    spdlog::info("{}: copying the master's data with pg_basebackup{}", replica,
                 wipe ? " (what the volume held goes)" : "");
    Status copied = bootstrap_replica(ctx_, replica, wipe);
    if (copied) copied = wait_until_serving(replica);
    auto after = read_replica_data(ctx_, replica);
    if (!after) return {copied ? after.status() : copied, change.before};
    auto master_after = read_master_identity(ctx_);
    return {copied, live_of(replica, master_after ? classify_volume(*after, *master_after) : found)};
  }

 private:
  bool in_spec(const std::string& replica) const {
    const spec::NodeSpec* node = ctx_.spec.find_node(replica);
    return node && node->role == spec::NodeRole::kReplica;
  }

  // Why a replica with a slot can never catch up, or "" when it can: its
  // slot lost WAL it held for it, or (its slot made again since, say by an
  // apply whose copy then failed) the replica itself says the master has
  // removed the WAL it asks for. The master answers from the one read that
  // serves the whole refresh; the replica's log is read only when it does
  // not stream.
  Result<std::string> wal_gone(const std::string& replica) {
    if (!ctx_.spec.replication.slots) return std::string();
    std::optional<SlotState> slot;
    bool streaming = false;
    Status asked = ctx_.sessions.with_connection(ctx_.spec.primary().name, Clock::now(), [&](SqlSession& c) {
      auto replication = ctx_.master_replication.get(c);
      if (!replication) return replication.status();
      slot = replication->slot(engine::slot_name(replica));
      streaming = replication->stream_of(replica).state == "streaming";
      return Status::ok();
    });
    // A master gone since the refresh asked it: checked again next time.
    if (asked.code() == Status::Code::kUnavailable) return std::string();
    if (!asked) return asked;
    if (slot && slot->wal_status == "lost")
      return "its slot " + engine::slot_name(replica) + " has wal_status lost";
    // With restore_command it may still catch up from an archive.
    if (streaming || node_spec(ctx_.spec, replica).parameters.count("restore_command")) return std::string();
    auto container = ctx_.docker.container(replica);
    if (!container || !container->has_value() || !(*container)->running()) return std::string();
    auto complaint = read_streaming_complaint(ctx_.docker.client(), (*container)->id);
    if (complaint && complaint->find("has already been removed") != std::string::npos) {
      return replica + " says: " + *complaint;
    }
    return std::string();
  }

  Result<Secret> wanted_passfile() const {
    auto password = ctx_.role_passwords.find(ctx_.spec.replication.user);
    if (password == ctx_.role_passwords.end()) {
      return Status::invalid_argument("the replication user " + ctx_.spec.replication.user +
                                      " has no password in the spec");
    }
    if (!password->second) return password->second.status();
    return Secret(engine::replication_passfile(ctx_.spec.replication.user, password->second->reveal()));
  }

  // A whole copy of this master stays; only its password file may need
  // writing again.
  ApplyOutcome keep_copy(const std::string& replica, const ReplicaData& data) {
    auto wanted = wanted_passfile();
    if (!wanted) return {wanted.status(), live_of(replica, standby())};
    Status written = Status::ok();
    if (!data.passfile || !(*data.passfile == *wanted)) {
      written = install_replication_passfile(ctx_, replica, *wanted);
    }
    LiveResource live = live_of(replica, standby());
    live.attributes[kPassfile] = written ? kPassfileCurrent : "holds another password";
    return {written, live};
  }

  // One copy serves every replica of the apply with a new volume that is
  // ready within a moment of the first; see CopyGroup.
  Status copy_into_new_volume(const std::string& replica) {
    CopyGroup::Turn turn = new_copies_.join(replica, kGatherCopies);
    switch (turn.kind) {
      case CopyGroup::Turn::Kind::kFollow: {
        Status copied = turn.copied.get();
        return copied ? copied : copied.with_context("the copy " + replica + " shared");
      }
      case CopyGroup::Turn::Kind::kLead: {
        if (!turn.followers.empty()) {
          spdlog::info("{}: one copy of the master's data for {} and {}", replica, replica,
                       fmt::join(turn.followers, ", "));
        }
        Status copied = bootstrap_replica(ctx_, replica, false, turn.followers);
        new_copies_.finish(copied);
        return copied;
      }
      case CopyGroup::Turn::Kind::kAlone:
        break;
    }
    return bootstrap_replica(ctx_, replica, false);
  }

  // The copy is made when the replica's server runs on it and the master
  // sees it streaming. A replica with no container yet is waited for by
  // its container's own apply.
  Status wait_until_serving(const std::string& replica) {
    auto container = ctx_.docker.container(replica);
    if (!container) return container.status();
    if (!container->has_value() || !(*container)->running()) return Status::ok();
    Status ready = wait_until_ready(ctx_, replica, (*container)->id);
    if (ready) ready = wait_until_streaming(ctx_, replica, (*container)->id);
    return ready;
  }

  LiveResource live_of(const std::string& replica, const VolumeFound& found) const {
    LiveResource live{replica, {{"source", ctx_.spec.primary().name}, {kData, found.words}}};
    engine::set_details(live, found);
    return live;
  }
  static VolumeFound standby() { return {VolumeHolds::kStandby, kStandbyWords}; }

  NodeContext& ctx_;
  CopyGroup new_copies_;
  // One question to the master serves every replica of a refresh, whose
  // reads run side by side.
  Result<MasterIdentity> master_for_refresh() {
    std::lock_guard lock(refresh_master_mutex_);
    if (!refresh_master_) {
      auto master = read_master_identity(ctx_);
      if (!master) return master.status();
      refresh_master_ = *master;
    }
    return *refresh_master_;
  }

  std::mutex refresh_master_mutex_;
  std::optional<MasterIdentity> refresh_master_;  // the master as the refresh found it
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_replica_provider(NodeContext& context) {
  return std::make_unique<ReplicaProvider>(context);
}

}  // namespace pgdecl::pg
