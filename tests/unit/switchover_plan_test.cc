// The decisions around a switchover, without a cluster: which node the spec
// makes primary, when a switchover may go ahead, where it goes in the plan,
// and how a stopped server's pg_control is read.
#include <catch2/catch.hpp>
#include <cstring>

#include "cluster/desired/desired.h"
#include "cluster/desired/primary_facts.h"
#include "cluster/plan_rules/switchover_order.h"
#include "cluster/spec/loader.h"
#include "engine/model/details.h"
#include "providers/postgres/ha/switchover.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using spec::NodeRole;

namespace {

std::optional<spec::ClusterSpec> load(const std::string& extra, Diagnostics& diagnostics) {
  return spec::load_spec_text(pg::testing::one_replica_spec("switch") + extra, "/tmp/switch.yaml",
                              diagnostics);
}

spec::ClusterSpec loaded(const std::string& extra) {
  Diagnostics diagnostics;
  auto spec = load(extra, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec);
  return *spec;
}

engine::PrimaryFacts ready_target() {
  engine::PrimaryFacts facts;
  facts.timeline = 1;
  facts.data_checksums = true;
  facts.target = "replica1";
  facts.target_state = "streaming";
  facts.target_lag = 0;
  facts.target_timeline = 1;
  return facts;
}

engine::PlannedChange switchover(const engine::PrimaryFacts& facts) {
  engine::PlannedChange change;
  change.address = {resource_type::kPrimary, "switch"};
  change.action = engine::Action::kUpdate;
  change.before = engine::LiveResource{"switch", {{"node", "master"}}, {}};
  engine::set_details(*change.before, facts);
  change.after = engine::DesiredResource{change.address, {{"node", "replica1"}}, {}};
  return change;
}

}  // namespace

TEST_CASE("primary: names the node that takes writes; without it the master block's node does", "[unit]") {
  const auto plain = loaded("");
  CHECK(plain.declared_primary == "master");
  CHECK(plain.primary().name == "master");

  const auto moved = loaded("primary: replica1\n");
  CHECK(moved.declared_primary == "replica1");
  CHECK(moved.primary().name == "replica1");
  CHECK(moved.master.role == NodeRole::kReplica);
  CHECK(moved.replicas.at(0).role == NodeRole::kMaster);
}

TEST_CASE("primary: naming no node of the spec is an error at its value, with the closest name", "[unit]") {
  Diagnostics diagnostics;
  CHECK_FALSE(load("primary: replca1\n", diagnostics));
  const std::string text = diagnostics.to_string();
  INFO(text);
  CHECK(text.find("/tmp/switch.yaml:10:10: error: primary 'replca1' is not a node of the spec") !=
        std::string::npos);
  CHECK(text.find("(did you mean 'replica1'?)") != std::string::npos);
}

TEST_CASE("ha.max_lag takes a size as PostgreSQL writes one, and refuses anything else", "[unit]") {
  CHECK(loaded("").ha.max_lag_bytes == 16LL * 1024 * 1024);
  CHECK(loaded("ha: { max_lag: 1kB }\n").ha.max_lag_bytes == 1024);
  CHECK(loaded("ha: { max_lag: 2GB }\n").ha.max_lag_bytes == 2LL << 30);
  CHECK(loaded("ha: { max_lag: 4096 }\n").ha.max_lag_bytes == 4096);
  Diagnostics diagnostics;
  CHECK_FALSE(load("ha: { max_lag: lots }\n", diagnostics));
  CHECK(diagnostics.to_string().find("expected a size such as 16MB") != std::string::npos);
}

TEST_CASE("the roles follow the primary the cluster has now, and pg_primary asks for the spec's", "[unit]") {
  const auto declared = loaded("primary: replica1\n");
  const auto now = spec::with_primary(declared, "master");
  CHECK(now.primary().name == "master");
  CHECK(now.declared_primary == "replica1");
  for (const auto& resource : engine::desired_resources(now)) {
    if (resource.address.type != resource_type::kPrimary) continue;
    CHECK(resource.address.name == "switch");
    CHECK(resource.attributes.at("node") == "replica1");
    CHECK(resource.depends_on.front() == Address{resource_type::kContainer, "master"});
    return;
  }
  FAIL("no pg_primary resource");
}

TEST_CASE("a switchover goes ahead only to a replica streaming on the primary's timeline within max_lag",
          "[unit]") {
  const long long limit = 1024;
  CHECK(engine::switchover_refusal(ready_target(), limit).empty());

  auto facts = ready_target();
  facts.target_state = "";
  CHECK(engine::switchover_refusal(facts, limit) == "replica1 does not stream from the primary");
  facts = ready_target();
  facts.target_state = "catchup";
  CHECK(engine::switchover_refusal(facts, limit) ==
        "replica1 does not stream from the primary (it is catchup)");
  facts = ready_target();
  facts.target_lag = 4096;
  CHECK(engine::switchover_refusal(facts, limit) ==
        "replica1 lags 4096 bytes behind the primary, over ha.max_lag (1024 bytes)");
  facts = ready_target();
  facts.target_timeline = 2;
  CHECK(engine::switchover_refusal(facts, limit) == "replica1 receives timeline 2, the primary is on 1");
  facts = ready_target();
  facts.data_checksums = false;
  CHECK(engine::switchover_refusal(facts, limit).find("neither data checksums nor wal_log_hints") == 0);
  facts.wal_log_hints = true;
  CHECK(engine::switchover_refusal(facts, limit).empty());
  facts = ready_target();
  facts.unasked = "master's container is not running";
  CHECK(engine::switchover_refusal(facts, limit) ==
        "the primary cannot be asked: master's container is not running");
}

TEST_CASE("a switchover comes after every other change of its plan, and a refused one fails the plan",
          "[unit]") {
  const auto spec = loaded("primary: replica1\n");
  engine::Plan plan;
  plan.changes.push_back(switchover(ready_target()));
  engine::PlannedChange settings;
  settings.address = {resource_type::kSettings, "master"};
  settings.action = engine::Action::kUpdate;
  plan.changes.push_back(settings);
  engine::PlannedChange unchanged;
  unchanged.address = {resource_type::kSettings, "replica1"};
  plan.changes.push_back(unchanged);

  REQUIRE(engine::order_switchover(plan, spec, false));
  CHECK(plan.order.at("pg_primary.switch") == std::vector<std::string>{"pg_settings.master"});

  auto lagging = ready_target();
  lagging.target_lag = 64LL << 20;
  engine::Plan refused;
  refused.changes.push_back(switchover(lagging));
  Status status = engine::order_switchover(refused, spec, false);
  CHECK_FALSE(status);
  CHECK(status.message().find(
            "the switchover to replica1 (pg_primary.switch) cannot go ahead: replica1 lags") == 0);
}

TEST_CASE("a failover is due after ha.failover_delay, and goes to the replica with the most WAL", "[unit]") {
  auto spec = loaded("ha: { failover_delay: 2s }\nprimary: master\n");
  engine::PrimaryFacts facts;
  facts.unasked = "master's container is not running";
  facts.down_ms = 1999;
  CHECK_FALSE(engine::failover_due(facts, spec));
  facts.down_ms = 2000;
  CHECK(engine::failover_due(facts, spec));
  facts.unasked.clear();
  CHECK_FALSE(engine::failover_due(facts, spec));

  CHECK(engine::failover_target(facts, spec).empty());
  facts.candidates = {{"replica1", 500}};
  CHECK(engine::failover_target(facts, spec) == "replica1");
  // The most WAL wins; on a tie, the spec's order.
  spec::ReplicaSpec second;
  second.name = "replica2";
  spec.replicas.push_back(second);
  facts.candidates = {{"replica2", 900}, {"replica1", 500}};
  CHECK(engine::failover_target(facts, spec) == "replica2");
  facts.candidates = {{"replica2", 500}, {"replica1", 500}};
  CHECK(engine::failover_target(facts, spec) == "replica1");
  spec.replicas.back().priority = 10;
  CHECK(engine::failover_target(facts, spec) == "replica2");
  CHECK(loaded("").replicas.at(0).priority == 0);
  Diagnostics diagnostics;
  auto with_priority = spec::load_spec_text(pg::testing::one_replica_spec("switch", "priority: 7"),
                                            "/tmp/switch.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(with_priority);
  CHECK(with_priority->replicas.at(0).priority == 7);
}

TEST_CASE("a failover to a replica too far behind the primary's last known position needs --force",
          "[unit]") {
  const auto spec = loaded("ha: { max_lag: 1kB, failover_delay: 0s }\n");
  engine::PrimaryFacts facts;
  facts.unasked = "no answer";
  facts.down_ms = 10;
  facts.candidates = {{"replica1", 1000}};
  // Nothing known of the primary's last position: the most advanced goes.
  CHECK(engine::failover_refusal(facts, "replica1", spec).empty());
  facts.last_lsn = 1000 + 1024;
  CHECK(engine::failover_refusal(facts, "replica1", spec).empty());
  facts.last_lsn = 1000 + 1025;
  CHECK(engine::failover_refusal(facts, "replica1", spec).find("replica1 had received 1025 bytes less") == 0);
  CHECK(engine::failover_refusal(facts, "", spec) == "no replica answers");

  // A node out of recovery already: never a second primary, not even forced.
  auto split = switchover(facts);
  split.changes = {{"node", "master", "replica1", engine::ChangeKind::kUpdateInPlace}};
  auto cut_short = facts;
  cut_short.writable_elsewhere = "replica2";
  engine::set_details(*split.before, cut_short);
  engine::Plan two_primaries;
  two_primaries.changes.push_back(split);
  Status refused_anyway = engine::order_switchover(two_primaries, spec, true);
  CHECK_FALSE(refused_anyway);
  CHECK(refused_anyway.message().find("replica2 already takes writes") != std::string::npos);

  auto failover = switchover(facts);
  failover.changes = {{"node", "master", "replica1", engine::ChangeKind::kUpdateInPlace}};
  engine::Plan plan;
  plan.changes.push_back(failover);
  engine::PlannedChange start_master;
  start_master.address = {resource_type::kContainer, "master"};
  start_master.action = engine::Action::kUpdate;
  plan.changes.push_back(start_master);

  engine::Plan refused = plan;
  Status status = engine::order_switchover(refused, spec, false);
  CHECK_FALSE(status);
  CHECK(status.message().find("cannot go ahead without --force") != std::string::npos);

  // Forced, it goes, and alone: the old primary's container is not started.
  REQUIRE(engine::order_switchover(plan, spec, true));
  CHECK(plan.changes[0].action == engine::Action::kUpdate);
  CHECK(plan.changes[1].action == engine::Action::kNoOp);
}

TEST_CASE("a stopped server's pg_control tells whether it shut down cleanly, and where its checkpoint is",
          "[unit]") {
  std::string control(8192, '\0');
  const std::uint32_t shut_down = 1;
  const std::uint64_t checkpoint = 0x16B374D848ULL;
  std::memcpy(control.data() + 16, &shut_down, sizeof shut_down);
  std::memcpy(control.data() + 32, &checkpoint, sizeof checkpoint);
  auto state = pg::control_state_of(control);
  REQUIRE(state);
  CHECK(state->state == pg::kShutDown);
  CHECK(pg::lsn_text(state->checkpoint) == "16/B374D848");
  CHECK_FALSE(pg::control_state_of(control.substr(0, 20)));
}
