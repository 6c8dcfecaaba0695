// The slot provider over a recording fake master: a slot whose WAL the
// master removed is read as lost, made again (dropped, then created
// reserving WAL at once), and a healthy slot is left alone.
#include <catch2/catch.hpp>

#include "providers/postgres/catalog/catalog_providers.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using pgdecl::engine::Action;
using pgdecl::pg::testing::FakeNodeWorld;
using pgdecl::pg::testing::FakeServer;

namespace {

const std::string kSpec = pg::testing::one_replica_spec("slots");

// The master's slots, as its replication read answers: the slot with
// `wal_status` until it is dropped, then the one made again.
void serve_slot(FakeServer& master, const char* wal_status) {
  master.rule("FROM pg_replication_slots", [&master, wal_status](const std::string&, const pg::Params&) {
    const bool made_again = !master.statements_with("pg_create_physical_replication_slot").empty();
    const bool dropped = !master.statements_with("pg_drop_replication_slot").empty();
    if (dropped && !made_again) return Result<pg::QueryResult>(pg::QueryResult{});
    pg::Row slot{"slot",       "pgdecl_replica1", "false", made_again ? "reserved" : wal_status,
                 std::nullopt, std::nullopt};
    return Result<pg::QueryResult>(pg::QueryResult{{}, {slot}});
  });
}

}  // namespace

TEST_CASE("a slot whose WAL the master removed is read as lost and made again, dropped before it is created",
          "[unit][pg-fake]") {
  FakeNodeWorld world(kSpec);
  FakeServer& master = world.add("master");
  world.start();
  serve_slot(master, "lost");
  auto slots = pg::make_slot_provider(world.context());
  const Address slot{resource_type::kSlot, "replica1"};

  const auto change = world.read_and_plan(*slots, slot);
  CHECK(change.action == Action::kReplace);
  CHECK(master.statements_with("pg_drop_replication_slot").empty());  // a plan changes nothing

  auto outcome = slots->apply(change);
  INFO(outcome.status.message());
  CHECK(outcome.status);
  const auto statements = master.statements();
  const auto drop = std::find(statements.begin(), statements.end(), "SELECT pg_drop_replication_slot($1)");
  const auto create =
      std::find(statements.begin(), statements.end(), "SELECT pg_create_physical_replication_slot($1, true)");
  REQUIRE(drop != statements.end());
  REQUIRE(create != statements.end());
  CHECK(drop < create);
  REQUIRE(outcome.live);
  CHECK(slots->plan(slot, &world.want(slot), &*outcome.live).action == Action::kNoOp);
}

TEST_CASE("a slot that keeps its WAL is left alone", "[unit][pg-fake]") {
  FakeNodeWorld world(kSpec);
  FakeServer& master = world.add("master");
  world.start();
  serve_slot(master, "reserved");
  auto slots = pg::make_slot_provider(world.context());
  const Address slot{resource_type::kSlot, "replica1"};
  CHECK(world.read_and_plan(*slots, slot).action == Action::kNoOp);
}
