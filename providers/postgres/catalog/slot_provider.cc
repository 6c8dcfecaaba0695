#include <algorithm>
#include <thread>

#include "cluster/layout/naming.h"
#include "cluster/render/replica_config.h"
#include "engine/model/details.h"
#include "providers/postgres/catalog/catalog_providers.h"
#include "providers/postgres/node/node_probe.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

constexpr const char* kSlotName = "slot_name";

// What the master says of the slot beyond its name.
struct SlotHealth {
  bool active = false;
  std::string wal_status;  // pg_replication_slots.wal_status: "lost" when its WAL is gone
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SlotHealth, active, wal_status)

bool is_lost(const LiveResource& live) { return engine::details_of<SlotHealth>(live).wal_status == "lost"; }

Result<std::optional<LiveResource>> read_slot(NodeContext& context, SqlSession& c, const std::string& slot) {
  auto replication = context.master_replication.get(c);
  if (!replication) return replication.status();
  auto state = replication->slot(slot);
  if (!state) return std::optional<LiveResource>();
  LiveResource live{slot, {{kSlotName, slot}}, {}};
  engine::set_details(live, SlotHealth{state->active, state->wal_status});
  return std::optional<LiveResource>(std::move(live));
}

// pg_slot.<replica>: a physical slot on the master, made before the
// replica's copy so the master keeps every WAL segment the replica still
// needs, and dropped when the replica leaves the spec.
class SlotProvider : public engine::ResourceProvider {
 public:
  explicit SlotProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kSlot; }
  // On the master: a master on new data has none of them yet.
  OnNewData on_new_data() const override { return OnNewData::kMakeAgain; }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    return probe_node_object(
        ctx_, master(), [&](SqlSession& c) { return read_slot(ctx_, c, engine::slot_name(address.name)); });
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    if (is_unknown(live)) return plan_unknown(address, desired, *live);
    PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
    if (change.action == engine::Action::kDelete) {
      change.reasons = {
          address.name == engine::kArchiverName
              ? "the spec has no backup section any more: the archiver's slot would keep WAL on "
                "the master for ever"
              : "the replica is no longer in the spec: its slot would keep WAL on the master for "
                "ever"};
    }
    if (desired && live && is_lost(*live)) {
      // The slot can serve no replica again: the WAL it was to keep is gone.
      change.action = engine::Action::kReplace;
      change.reasons.push_back("its wal_status is lost: the master removed WAL it held for " + address.name +
                               " (more than max_slot_wal_keep_size behind), so it is made again and " +
                               address.name + " copied again");
      change.changes.push_back({"wal_status", "lost", "reserved", engine::ChangeKind::kReplace});
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    const std::string slot = engine::slot_name(change.address.name);
    std::optional<LiveResource> live = change.before;
    Status done = ctx_.sessions.with_connection(master(), deadline(), [&](SqlSession& c) -> Status {
      auto current = read_slot(ctx_, c, slot);
      if (!current) return current.status();
      if (change.action == engine::Action::kDelete || change.action == engine::Action::kReplace) {
        if (*current) {
          if (auto s = drop_slot(c, slot); !s) return s;
        }
        live.reset();
        if (change.action == engine::Action::kDelete) return Status::ok();
        current = std::optional<LiveResource>();
      }
      if (!*current) {
        // Reserved at once, so the copy that follows finds its WAL kept.
        if (auto s = c.execute("SELECT pg_create_physical_replication_slot($1, true)", {slot}); !s) return s;
      }
      auto after = read_slot(ctx_, c, slot);
      if (!after) return after.status();
      live = *after;
      return Status::ok();
    });
    return {done, live};
  }

 private:
  // An active slot cannot be dropped. A replica leaving the spec may still
  // be connected, its container going at the same time as its slot: its WAL
  // sender is ended and the drop tried again until the replica stops
  // coming back.
  Status drop_slot(SqlSession& c, const std::string& slot) {
    const auto until = deadline();
    for (auto interval = kFirstPoll;; interval = std::min(interval * 2, kLongestPoll)) {
      auto ended = c.query(
          "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
          "WHERE slot_name = $1 AND active_pid IS NOT NULL",
          {slot});
      Status dropped = c.execute("SELECT pg_drop_replication_slot($1)", {slot});
      if (dropped) return dropped;
      // Tried again only while a sender holds it: one just ended may not
      // have exited yet, or the replica came back. Any other failure stands.
      auto held =
          c.query("SELECT active_pid IS NOT NULL FROM pg_replication_slots WHERE slot_name = $1", {slot});
      if (!held) return dropped;
      if (held->rows.empty()) return Status::ok();  // gone meanwhile
      const bool in_use = held->rows[0][0] == "t" || (ended && !ended->rows.empty());
      if (!in_use || Clock::now() + interval >= until) return dropped;
      std::this_thread::sleep_for(interval);
    }
  }

  std::string master() const { return ctx_.spec.primary().name; }
  Clock::time_point deadline() const { return Clock::now() + ctx_.ready_timeout; }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_slot_provider(NodeContext& context) {
  return std::make_unique<SlotProvider>(context);
}

}  // namespace pgdecl::pg
