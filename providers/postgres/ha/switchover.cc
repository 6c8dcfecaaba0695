#include "providers/postgres/ha/switchover.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>
#include <thread>

#include "cluster/layout/naming.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/ha/rewind.h"
#include "providers/postgres/node/node_files.h"
#include "providers/postgres/node/node_readiness.h"
#include "providers/postgres/node/replica_data.h"
#include "providers/postgres/node/replica_health.h"

namespace pgdecl::pg {
namespace {

// Docker's default of 10 s ends in SIGKILL, and a primary killed before
// its shutdown checkpoint reached the target would need a rewind.
constexpr int kCleanStopSeconds = 120;
// How long the target may take to flush what the old primary sent last.
constexpr std::chrono::seconds kReceiveWait{10};
constexpr const char* kNoRestart = "no";
// A primary that does not answer is not waited for long.
constexpr int kFenceStopSeconds = 5;

std::string data_path(const char* absolute) {
  return std::string(absolute).substr(std::string(engine::kDataMount).size() + 1);
}

class PrimaryMove {
 public:
  PrimaryMove(NodeContext& context, std::string target)
      : ctx_(context),
        old_(context.spec.primary().name),
        target_(std::move(target)),
        after_(spec::with_primary(context.spec, target_)) {}

  Status switch_over() {
    auto old_id = node_container_id(ctx_, old_);
    if (!old_id) return old_id.status();
    auto target_id = node_container_id(ctx_, target_);
    if (!target_id) return target_id.status();
    // Everything the old primary needs as a standby is made before its
    // server stops, so the outage holds no more than it must.
    auto standby_files = old_primary_as_standby();
    if (!standby_files) return standby_files.status();

    // The read-write alias goes to the target while it is still a standby
    // (a read-write client it finds there is refused, and tries again),
    // and the target streams again before the old primary stops.
    if (auto s = move_alias_to_target(*target_id); !s) return s;
    if (auto s = on(old_, [](SqlSession& c) { return c.execute("CHECKPOINT"); }); !s)
      return s.with_context("the checkpoint before the switchover");
    const auto outage = Clock::now();
    auto& client = ctx_.docker.client();
    if (auto s = client.update_restart_policy(*old_id, kNoRestart); !s) return s;
    ctx_.sessions.invalidate(old_);
    spdlog::info("{}: stopping cleanly, so {} receives everything it wrote", old_, target_);
    if (auto s = client.stop_container(*old_id, kCleanStopSeconds); !s) return start_again(*old_id, s);
    ctx_.docker.invalidate();
    if (auto s = check_shutdown_received(*old_id); !s) return start_again(*old_id, s);
    if (auto s = set_aliases(*old_id, old_, false); !s) return start_again(*old_id, s);

    if (Status promoted = promote(); !promoted)
      return promoted.with_context("promoting " + target_ + " (" + old_ + " stays stopped)");
    spdlog::info("{}: promoted after {:.0f} ms of write outage", target_,
                 std::chrono::duration<double, std::milli>(Clock::now() - outage).count());
    if (ctx_.primary_moved) ctx_.primary_moved(target_);

    if (auto s = make_slots(); !s) return s.with_context("making the new primary's slots");
    repoint_nodes();
    return rejoin(*old_id, *standby_files);
  }

  // The primary's server does not answer: it is fenced first, so it can
  // never take writes beside the new one, then the target is promoted. The
  // old primary is rewound and rejoins as a standby when it can be; when it
  // cannot, the failover stands and the next plan says what it lacks.
  Status fail_over() {
    auto standby_files = old_primary_as_standby();
    if (!standby_files) return standby_files.status();
    if (Status fenced = fence_old(); !fenced) {
      if (!ctx_.force) {
        return Status::failed(old_ + " cannot be fenced (" + fenced.message() +
                              "), so it could take writes beside " + target_ + "; apply --force promotes " +
                              target_ + " all the same");
      }
      spdlog::warn("{}: not fenced ({}); promoting {} all the same (--force)", old_, fenced.message(),
                   target_);
    }
    // The read-write alias first: once the target takes writes, the name
    // already leads there. (Its connections on the network end with it;
    // nothing is written through them while the primary is away.)
    if (auto target_id = node_container_id(ctx_, target_); target_id) {
      ctx_.sessions.invalidate(target_);
      if (auto s = set_aliases(*target_id, target_, true); !s)
        spdlog::warn("{}: the read-write alias did not move to it: {}", target_, s.message());
      if (auto ready = wait_until_ready(ctx_, target_, *target_id); !ready)
        return ready.with_context(target_ + " after it took the read-write alias");
    }
    if (Status promoted = promote(); !promoted) return promoted.with_context("promoting " + target_);
    spdlog::info("{}: promoted; {} is fenced", target_, old_);
    if (ctx_.primary_moved) ctx_.primary_moved(target_);
    if (auto s = make_slots(); !s) return s.with_context("making the new primary's slots");
    repoint_nodes();
    // pg_rewind reads the new timeline from the target's pg_control, which
    // a promotion writes only at its next checkpoint.
    Status rejoined = on(target_, [](SqlSession& c) { return c.execute("CHECKPOINT"); });
    if (rejoined) rejoined = rewind_node(ctx_, old_, target_);
    auto old_id = node_container_id(ctx_, old_);
    if (rejoined && !old_id) rejoined = old_id.status();
    if (rejoined) rejoined = rejoin(*old_id, *standby_files);
    if (!rejoined)
      spdlog::warn("{}: did not rejoin as a standby of {}: {}", old_, target_, rejoined.message());
    return Status::ok();
  }

 private:
  // No restart policy, stopped, and a standby.signal in its data: Docker,
  // a person or a reboot may start it again, and it serves only as a
  // standby, read-only.
  Status fence_old() {
    ctx_.docker.invalidate();
    ctx_.sessions.invalidate(old_);
    auto container = ctx_.docker.container(old_);
    if (!container) return container.status();
    if (container->has_value()) {
      auto& client = ctx_.docker.client();
      if (auto s = client.update_restart_policy((*container)->id, kNoRestart); !s) return s;
      if (auto s = client.stop_container((*container)->id, kFenceStopSeconds); !s) return s;
      ctx_.docker.invalidate();
      if (auto s = set_aliases((*container)->id, old_, false); !s) return s;
    }
    return write_volume_files(ctx_, old_, {{"pgdata/standby.signal", "", 0600}});
  }

  // A node's aliases in the cluster's network: its name, and the
  // read-write alias for the primary.
  Status set_aliases(const std::string& container_id, const std::string& node, bool primary) {
    std::vector<std::string> aliases{node};
    if (primary) aliases.push_back(engine::read_write_alias(ctx_.spec.name));
    Status set = ctx_.docker.client().set_network_aliases(
        engine::docker_name(ctx_.spec.name, ctx_.spec.network.name), container_id, aliases);
    ctx_.docker.invalidate();
    return set;
  }

  // Its connections on the network end, and Docker may publish it at
  // another port: it is waited for until it streams from the primary again.
  Status move_alias_to_target(const std::string& target_id) {
    ctx_.sessions.invalidate(target_);
    if (auto s = set_aliases(target_id, target_, true); !s) return s;
    if (auto s = wait_until_ready(ctx_, target_, target_id); !s) return s;
    return wait_until_streaming(ctx_, target_, target_id);
  }

  Status promote() {
    return on(target_, [](SqlSession& c) -> Status {
      auto done = c.query("SELECT pg_promote(true, 60)");
      if (!done) return done.status();
      if (done->rows.empty() || done->rows[0][0].value_or("f") != "t")
        return Status::failed("pg_promote() did not finish within 60 s");
      return Status::ok();
    });
  }

  template <typename Work>
  Status on(const std::string& node, Work work) {
    return ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, work);
  }

  // The old primary's standby.signal, its pgdecl.conf pointing at the new
  // primary, the replication password file its WAL receiver signs in with,
  // and the marker that says its volume holds a whole standby.
  Result<std::vector<docker::ArchiveFile>> old_primary_as_standby() {
    auto settings = settings_file(old_);
    if (!settings) return settings.status();
    auto password = ctx_.role_passwords.find(ctx_.spec.replication.user);
    if (password == ctx_.role_passwords.end() || !password->second) {
      return Status::invalid_argument("a switchover needs the replication user's password: " +
                                      (password == ctx_.role_passwords.end()
                                           ? std::string("the spec gives none")
                                           : password->second.status().message()));
    }
    const std::string passfile =
        engine::replication_passfile(ctx_.spec.replication.user, password->second->reveal());
    auto secrets = node_config_secrets(ctx_, old_);
    if (!secrets) return secrets.status();
    // pg_rewind brings the new primary's pg_hba.conf along.
    const std::string hba = engine::render_hba(after_, node_spec(after_, old_), &*secrets);
    return std::vector<docker::ArchiveFile>{
        {"pgdata/standby.signal", "", 0600},
        {"pgdata/pgdecl.conf", *settings, 0600},
        {"pgdata/pg_hba.conf", hba, 0600},
        {data_path(engine::kReplicationPassfile), passfile, 0600},
        {data_path(engine::kStandbyMarker), "a standby of " + target_ + " since it took over\n", 0600}};
  }

  // A node's pgdecl.conf once the target is the primary.
  Result<std::string> settings_file(const std::string& node) {
    auto secrets = node_config_secrets(ctx_, node);
    if (!secrets) return secrets.status();
    return engine::render_settings_file(after_, node_spec(after_, node), &*secrets);
  }

  Status check_shutdown_received(const std::string& old_id) {
    auto control =
        ctx_.docker.client().read_file(old_id, std::string(engine::kPgData) + "/global/pg_control");
    if (!control) return control.status();
    auto state = control->has_value() ? control_state_of(**control) : std::nullopt;
    if (!state) return Status::failed(old_ + "'s pg_control cannot be read");
    if (state->state != kShutDown) {
      return Status::failed(old_ + " did not shut down cleanly (pg_control state " +
                            std::to_string(state->state) + ")");
    }
    const std::string checkpoint = lsn_text(state->checkpoint);
    const auto deadline = Clock::now() + kReceiveWait;
    for (;;) {
      bool received = false;
      Status asked = on(target_, [&](SqlSession& c) -> Status {
        auto past = c.query("SELECT pg_last_wal_receive_lsn() > $1::pg_lsn", {checkpoint});
        if (!past) return past.status();
        received = !past->rows.empty() && past->rows[0][0].value_or("f") == "t";
        return Status::ok();
      });
      if (!asked) return asked;
      if (received) return Status::ok();
      if (Clock::now() > deadline) {
        return Status::failed(target_ + " did not receive " + old_ + "'s shutdown checkpoint at " +
                              checkpoint);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // The switchover is called off: the old primary serves again, as it was.
  Status start_again(const std::string& old_id, const Status& why) {
    spdlog::warn("switchover to {} called off ({}): starting {} again unchanged", target_, why.message(),
                 old_);
    auto& client = ctx_.docker.client();
    Status back = set_aliases(old_id, old_, true);
    if (auto target_id = node_container_id(ctx_, target_); back && target_id)
      back = set_aliases(*target_id, target_, false);
    if (back) back = client.update_restart_policy(old_id, engine::kNodeRestartPolicy);
    if (back) back = client.start_container(old_id);
    ctx_.docker.invalidate();
    if (back) back = wait_until_ready(ctx_, old_, old_id);
    const std::string outcome = back ? old_ + " serves again as the primary"
                                     : "starting " + old_ + " again failed too: " + back.message();
    return Status::failed("switchover to " + target_ + " called off: " + why.message() + "; " + outcome);
  }

  // One for each other node, and the archiver's: it streams from the new
  // primary next, where its slot keeps what it has not archived yet.
  Status make_slots() {
    std::vector<std::string> slots;
    if (ctx_.spec.replication.slots) {
      for (const spec::NodeSpec* node : after_.replica_nodes())
        slots.push_back(engine::slot_name(node->name));
    }
    if (ctx_.spec.backup.declared) slots.push_back(engine::slot_name(engine::kArchiverName));
    return on(target_, [&](SqlSession& c) -> Status {
      for (const std::string& slot : slots) {
        if (auto s = c.execute("SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS "
                               "(SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)",
                               {slot});
            !s)
          return s;
      }
      return Status::ok();
    });
  }

  // The new primary's pgdecl.conf loses what made it a standby, and the
  // other replicas are pointed at it. A node that cannot be told now is
  // told by the next plan's settings change; the switchover stands.
  void repoint_nodes() {
    for (const spec::NodeSpec* node : after_.nodes()) {
      if (node->name == old_) continue;
      auto settings = settings_file(node->name);
      Status told = settings ? on(node->name,
                                  [&](SqlSession& c) -> Status {
                                    if (auto s = write_config_file(c, "pgdecl.conf", *settings); !s) return s;
                                    return c.execute("SELECT pg_reload_conf()");
                                  })
                             : settings.status();
      if (!told) spdlog::warn("{}: not pointed at {} yet: {}", node->name, target_, told.message());
    }
  }

  Status rejoin(const std::string& old_id, const std::vector<docker::ArchiveFile>& files) {
    if (auto s = write_volume_files(ctx_, old_, files); !s)
      return s.with_context("making " + old_ + " a standby (it stays stopped)");
    auto& client = ctx_.docker.client();
    if (auto s = client.update_restart_policy(old_id, engine::kNodeRestartPolicy); !s) return s;
    if (auto s = client.start_container(old_id); !s) return s;
    ctx_.docker.invalidate();
    if (auto s = wait_until_ready(ctx_, old_, old_id); !s) return s;
    // Its slots served its replicas while it was the primary; as a standby
    // they would only hold WAL back.
    Status dropped = on(old_, [](SqlSession& c) {
      return c.execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
          "WHERE slot_name LIKE 'pgdecl\\_%' AND NOT active");
    });
    if (!dropped) spdlog::warn("{}: its old slots stay: {}", old_, dropped.message());
    return wait_until_streaming(ctx_, old_, old_id);
  }

  NodeContext& ctx_;
  const std::string old_;
  const std::string target_;
  const spec::ClusterSpec after_;  // the roles once the target is the primary
};

}  // namespace

Status fail_over(NodeContext& context, const std::string& target) {
  return PrimaryMove(context, target).fail_over();
}

Status switch_over(NodeContext& context, const std::string& target) {
  return PrimaryMove(context, target).switch_over();
}

std::optional<ControlState> control_state_of(const std::string& pg_control) {
  // ControlFileData: system_identifier (8 bytes), pg_control_version and
  // catalog_version_no (4 each), state (4, then 4 of padding), time (8),
  // checkPoint (8), in the server's byte order.
  constexpr std::size_t kStateAt = 16, kCheckpointAt = 32;
  if (pg_control.size() < kCheckpointAt + 8) return std::nullopt;
  std::uint32_t state = 0;
  std::uint64_t checkpoint = 0;
  std::memcpy(&state, pg_control.data() + kStateAt, sizeof state);
  std::memcpy(&checkpoint, pg_control.data() + kCheckpointAt, sizeof checkpoint);
  return ControlState{static_cast<int>(state), checkpoint};
}

std::string lsn_text(unsigned long long lsn) {
  char text[32];
  std::snprintf(text, sizeof text, "%llX/%llX", lsn >> 32, lsn & 0xFFFFFFFFULL);
  return text;
}

}  // namespace pgdecl::pg
