// How one read of the master's slots and WAL senders answers for each
// replica, and the gate that starts replica containers after the master's.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "providers/postgres/copy_group.h"
#include "providers/postgres/master_replication.h"
#include "providers/postgres/start_gate.h"

using namespace pgdecl::pg;

TEST_CASE("a replica's stream is its own sender's, with its own slot's state", "[unit]") {
  MasterReplication seen;
  seen.slots["pgdecl_replica1"] = SlotState{true, "reserved"};
  seen.slots["pgdecl_replica2"] = SlotState{false, "extended"};
  ReplicaStream streaming;
  streaming.state = "streaming";
  streaming.lag_bytes = 0;
  seen.senders["replica1"] = streaming;
  // A copy in progress has its own name: it is not the replica streaming.
  ReplicaStream copying;
  copying.state = "backup";
  seen.senders["pgdecl_bootstrap_replica2"] = copying;

  ReplicaStream one = seen.stream_of("replica1");
  CHECK(one.state == "streaming");
  CHECK(one.lag_bytes == 0);
  CHECK(one.slot_active == true);

  ReplicaStream two = seen.stream_of("replica2");
  CHECK(two.state == "not connected");
  CHECK_FALSE(two.lag_bytes.has_value());
  CHECK(two.slot_active == false);

  ReplicaStream three = seen.stream_of("replica3");
  CHECK_FALSE(three.slot_active.has_value());
  CHECK(seen.slot("pgdecl_replica2")->wal_status == "extended");
  CHECK_FALSE(seen.slot("pgdecl_replica3").has_value());
}

TEST_CASE("a start gate holds only while armed and not yet open", "[unit]") {
  const auto moment = std::chrono::milliseconds(1);
  StartGate gate;
  CHECK(gate.pass(moment));  // unarmed: nobody waits
  gate.arm();
  CHECK_FALSE(gate.pass(moment));  // armed: held until the master has started
  gate.open();
  CHECK(gate.pass(moment));
  gate.arm();  // a new apply that makes the master again
  CHECK_FALSE(gate.pass(moment));
}

TEST_CASE("an armed start gate lets a waiting replica through once the master has started", "[unit]") {
  StartGate gate;
  gate.arm();
  std::atomic<bool> passed{false};
  std::thread replica([&] { passed = gate.pass(std::chrono::hours(1)); });
  gate.open();
  replica.join();
  CHECK(passed);
}

TEST_CASE("replicas with new volumes share one copy; one that comes late copies alone", "[unit]") {
  CopyGroup group;
  group.arm({"replica1", "replica2", "replica3"});
  std::vector<CopyGroup::Turn> turns(3);
  std::vector<std::thread> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.emplace_back([&, i] {
      // An hour at most: the test would hang if the leader did not stop
      // waiting once all had come.
      turns[i] = group.join("replica" + std::to_string(i + 1), std::chrono::hours(1));
      if (turns[i].kind == CopyGroup::Turn::Kind::kLead) group.finish(pgdecl::Status::failed("master gone"));
    });
  }
  for (auto& replica : replicas) replica.join();
  int leaders = 0, followers = 0;
  for (auto& turn : turns) {
    if (turn.kind == CopyGroup::Turn::Kind::kLead) {
      ++leaders;
      CHECK(turn.followers.size() == 2);
    } else if (turn.kind == CopyGroup::Turn::Kind::kFollow) {
      ++followers;
      CHECK(turn.copied.get().message() == "master gone");
    }
  }
  CHECK(leaders == 1);
  CHECK(followers == 2);
  // The copy has started: a late member, or one not in the group, is alone.
  CHECK(group.join("replica3", std::chrono::hours(1)).kind == CopyGroup::Turn::Kind::kAlone);
  CHECK(group.join("replica9", std::chrono::hours(1)).kind == CopyGroup::Turn::Kind::kAlone);
}

TEST_CASE("a single new replica copies alone, without waiting", "[unit]") {
  CopyGroup group;
  group.arm({"replica1"});
  CHECK(group.join("replica1", std::chrono::hours(1)).kind == CopyGroup::Turn::Kind::kAlone);
  CopyGroup unarmed;
  CHECK(unarmed.join("replica1", std::chrono::hours(1)).kind == CopyGroup::Turn::Kind::kAlone);
}
