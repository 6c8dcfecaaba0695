#include <fmt/format.h>

#include <ctime>

#include "cluster/desired/desired.h"
#include "cluster/desired/primary_facts.h"
#include "engine/model/details.h"
#include "providers/postgres/ha/switchover.h"
#include "providers/postgres/replication/replica_providers.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;
using engine::PrimaryFacts;
namespace attr = engine::attr;

// The primary's side of a switchover, in one round trip: whether it takes
// writes, its timeline (from its current WAL file's name: pg_control's
// lags behind a promotion until the next checkpoint), what pg_rewind
// would need, and how the target streams.
constexpr const char* kAskPrimary = R"SQL(
SELECT pg_is_in_recovery(),
       CASE WHEN pg_is_in_recovery() THEN 0
            ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END,
       current_setting('data_checksums'), current_setting('wal_log_hints'),
       (SELECT state FROM pg_stat_replication WHERE application_name = $1
         ORDER BY state = 'streaming' DESC, backend_start DESC LIMIT 1),
       (SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint FROM pg_stat_replication
         WHERE application_name = $1 AND NOT pg_is_in_recovery()
         ORDER BY state = 'streaming' DESC, backend_start DESC LIMIT 1),
       CASE WHEN pg_is_in_recovery() THEN NULL
            ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint END
)SQL";

long long number_of(const std::optional<std::string>& text, long long otherwise) {
  return text && !text->empty() ? std::stoll(*text) : otherwise;
}

// pg_primary.<cluster>: which node takes writes. The spec says which it
// should be; the cluster's roles follow the one it is now. A change is a
// switchover (see switch_over), ordered after every other change.
class PrimaryProvider : public engine::ResourceProvider {
 public:
  explicit PrimaryProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kPrimary; }

  engine::AttributeSchema schema() const override {
    return {{attr::kNode, {engine::ChangeKind::kUpdateInPlace, "a switchover from {before} to {after}"}}};
  }
  // Set by a failover: only the state knows it.
  std::vector<std::string> recorded_attributes() const override { return {engine::kFailedOver}; }

  // Nothing until the primary's container exists: a new cluster's primary
  // is the node the spec names.
  Result<std::optional<LiveResource>> read(const Address& address) override {
    const std::string node = ctx_.spec.primary().name;
    auto container = ctx_.docker.container(node);
    if (!container) return container.status();
    if (!container->has_value()) return std::optional<LiveResource>();
    LiveResource live{address.name, {{attr::kNode, node}}, {}};
    PrimaryFacts facts = ask(node, (*container)->running());
    if (!facts.unasked.empty()) {
      auto away = away_for(**container);
      if (!away) return away.status();
      facts.down_ms = *away;
      facts.last_lsn = ctx_.last_primary_lsn.value_or(-1);
      facts.candidates = candidates(facts.writable_elsewhere);
    }
    engine::set_details(live, facts);
    return std::optional<LiveResource>(std::move(live));
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
    if (!live || !desired) return change;
    const PrimaryFacts facts = engine::details_of<PrimaryFacts>(*live);
    const std::string now = live->attributes.at(attr::kNode);
    // With no replica that answers there is nowhere to fail over to: the
    // primary's own container is what a plan starts again.
    if (engine::failover_due(facts, ctx_.spec) && !engine::failover_target(facts, ctx_.spec).empty())
      return plan_failover(change, facts, now);
    if (change.action != engine::Action::kUpdate) return change;
    auto failed_over = live->attributes.find(engine::kFailedOver);
    if (failed_over != live->attributes.end() && failed_over->second == "true") {
      // Back to the spec's primary only as ha.failback says, and only once
      // it can go.
      const std::string why = engine::switchover_refusal(facts, ctx_.spec.ha.max_lag_bytes);
      if (!ctx_.spec.ha.failback || !why.empty()) {
        change.action = engine::Action::kNoOp;
        change.changes.clear();
        return change;
      }
      change.reasons.push_back("back to the spec's primary after a failover (ha.failback)");
    }
    change.reasons.push_back(fmt::format(
        "{} streams from {} on timeline {}, {} bytes behind (ha.max_lag: {}); writes stop while {} shuts "
        "down cleanly and {} is promoted, then {} follows it as a replica",
        facts.target, live->attributes.at(attr::kNode), facts.timeline, facts.target_lag,
        ctx_.spec.ha.max_lag_bytes, live->attributes.at(attr::kNode), facts.target,
        live->attributes.at(attr::kNode)));
    return change;
  }

  // A destroy that keeps the primary's volume keeps the record of which
  // node's data is the primary's: the next apply starts that node as the
  // primary, and the others as its standbys, as their data is.
  void begin_apply(const engine::Plan& plan) override {
    primary_data_goes_ = false;
    const Address volume{resource_type::kVolume, ctx_.spec.primary().volume};
    for (const auto& change : plan.changes) {
      if (change.address == volume && change.action == engine::Action::kDelete) primary_data_goes_ = true;
    }
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kDelete) {
      if (primary_data_goes_) return {Status::ok(), std::nullopt};
      return {Status::ok(), current(recorded_failover(change))};
    }
    std::string failed_over = recorded_failover(change);
    if (change.action == engine::Action::kUpdate) {
      const std::string target = change.after->attributes.at(attr::kNode);
      const bool failover = !engine::details_of<PrimaryFacts>(*change.before).unasked.empty();
      if (failover) {
        // A primary that answers again since the plan is not failed over:
        // what it wrote meanwhile would be rewound away.
        auto container = ctx_.docker.container(ctx_.spec.primary().name);
        if (container && container->has_value() && (*container)->running() &&
            ask(ctx_.spec.primary().name, true).unasked.empty()) {
          return {
              Status::failed(ctx_.spec.primary().name +
                             " answers again since the plan: it is not failed over; run pgdecl plan again"),
              change.before};
        }
        if (Status moved = fail_over(ctx_, target); !moved) return {moved, current(failed_over)};
        return {Status::ok(), current("true")};
      }
      // Checked again: the plan may be minutes old.
      PrimaryFacts facts = ask(ctx_.spec.primary().name, true);
      if (const std::string why = engine::switchover_refusal(facts, ctx_.spec.ha.max_lag_bytes); !why.empty())
        return {Status::failed("the switchover to " + target + " cannot go ahead: " + why), change.before};
      if (Status moved = switch_over(ctx_, target); !moved) return {moved, current(failed_over)};
      failed_over = "false";
    }
    return {Status::ok(), current(failed_over)};
  }

 private:
  static std::string recorded_failover(const PlannedChange& change) {
    if (!change.before) return "false";
    auto found = change.before->attributes.find(engine::kFailedOver);
    return found == change.before->attributes.end() ? "false" : found->second;
  }

  LiveResource current(const std::string& failed_over) const {
    return LiveResource{
        ctx_.spec.name, {{attr::kNode, ctx_.spec.primary().name}, {engine::kFailedOver, failed_over}}, {}};
  }

  // The most advanced replica takes over; everything else waits for the
  // plan that reads the cluster with it as the primary (order_switchover).
  PlannedChange plan_failover(PlannedChange change, const PrimaryFacts& facts, const std::string& now) const {
    const std::string target = engine::failover_target(facts, ctx_.spec);
    change.action = engine::Action::kUpdate;
    change.changes = {{attr::kNode, now, target.empty() ? "(no replica answers)" : target,
                       engine::ChangeKind::kUpdateInPlace}};
    change.after->attributes[attr::kNode] = target;
    long long received = -1;
    for (const auto& candidate : facts.candidates) {
      if (candidate.node == target) received = candidate.received;
    }
    change.reasons = {fmt::format(
        "a failover: {} has not answered for {:.1f} s (ha.failover_delay: {:.1f} s; {}); {} received the "
        "most "
        "WAL of the replicas ({}), and is promoted once {} is fenced",
        now, facts.down_ms / 1000.0, ctx_.spec.ha.failover_delay.count() / 1000.0, facts.unasked, target,
        received < 0 ? std::string("unknown") : lsn_text(static_cast<unsigned long long>(received)), now)};
    return change;
  }

  // How long the primary has been away, in ms: since its container
  // stopped, or since a reconcile first found it not answering.
  Result<long long> away_for(const docker::ContainerInfo& container) {
    using std::chrono::system_clock;
    std::optional<system_clock::time_point> since = ctx_.primary_unanswered_since;
    // Paused, or restarting, it has not stopped: how long it has not
    // answered is known only to a reconcile that watched.
    if (container.state == "exited" || container.state == "dead") {
      auto inspected = ctx_.docker.client().inspect_container(container.id);
      if (!inspected) return inspected.status();
      if (inspected->has_value()) {
        if (auto stopped = time_of((*inspected)->finished_at)) since = stopped;
      }
    }
    if (!since) return 0LL;
    return std::chrono::duration_cast<std::chrono::milliseconds>(system_clock::now() - *since).count();
  }

  // Docker's RFC 3339 time, UTC, to the millisecond.
  static std::optional<std::chrono::system_clock::time_point> time_of(const std::string& text) {
    std::tm parts{};
    int millis = 0;
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
                    &parts.tm_hour, &parts.tm_min, &parts.tm_sec) != 6 ||
        parts.tm_year < 1970)
      return std::nullopt;
    if (auto dot = text.find('.'); dot != std::string::npos) {
      std::string digits = text.substr(dot + 1, 3);
      while (digits.size() < 3) digits += '0';
      if (digits.find_first_not_of("0123456789") == std::string::npos) millis = std::stoi(digits);
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    return std::chrono::system_clock::from_time_t(timegm(&parts)) + std::chrono::milliseconds(millis);
  }

  // Each replica's own word on how much WAL it has received; a replica
  // that is out of recovery already is named in `writable`.
  std::vector<engine::FailoverCandidate> candidates(std::string& writable) {
    std::vector<engine::FailoverCandidate> out;
    for (const spec::NodeSpec* node : ctx_.spec.replica_nodes()) {
      engine::FailoverCandidate candidate{node->name, -1};
      ctx_.sessions.with_connection(node->name, Clock::now(), [&](SqlSession& c) -> Status {
        auto rows = c.query(
            "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(coalesce(pg_last_wal_receive_lsn(), "
            "pg_last_wal_replay_lsn()), '0/0')::bigint");
        if (!rows || rows->rows.empty()) return Status::ok();
        if (rows->rows[0][0].value_or("t") != "t") {
          writable = node->name;
        } else {
          candidate.received = number_of(rows->rows[0][1], -1);
        }
        return Status::ok();
      });
      if (candidate.received >= 0) out.push_back(candidate);
    }
    return out;
  }

  // Asked without waiting, as a plan asks: a server that is down says so.
  PrimaryFacts ask(const std::string& node, bool running) {
    PrimaryFacts facts;
    const std::string target = ctx_.spec.declared_primary;
    if (target != node && ctx_.spec.find_node(target)) facts.target = target;
    if (!running) {
      facts.unasked = node + "'s container is not running";
      return facts;
    }
    Status asked = ctx_.sessions.with_connection(node, Clock::now(), [&](SqlSession& c) -> Status {
      auto rows = c.query(kAskPrimary, {facts.target});
      if (!rows) return rows.status();
      const Row& row = rows->rows.at(0);
      facts.in_recovery = row[0].value_or("f") == "t";
      facts.timeline = number_of(row[1], 0);
      facts.data_checksums = row[2].value_or("off") == "on";
      facts.wal_log_hints = row[3].value_or("off") == "on";
      facts.target_state = row[4].value_or("");
      facts.target_lag = number_of(row[5], -1);
      facts.lsn = number_of(row[6], -1);
      return Status::ok();
    });
    if (!asked) facts.unasked = asked.message();
    if (!asked || facts.target.empty()) return facts;
    // The target's own word on the timeline it receives.
    ctx_.sessions.with_connection(facts.target, Clock::now(), [&](SqlSession& c) -> Status {
      auto rows = c.query("SELECT received_tli FROM pg_stat_wal_receiver");
      if (rows && !rows->rows.empty()) facts.target_timeline = number_of(rows->rows[0][0], 0);
      return Status::ok();
    });
    return facts;
  }

  NodeContext& ctx_;
  bool primary_data_goes_ = false;  // this apply removes the primary's volume
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_primary_provider(NodeContext& context) {
  return std::make_unique<PrimaryProvider>(context);
}

}  // namespace pgdecl::pg
