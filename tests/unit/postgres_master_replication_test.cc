// How one read of the master's slots and WAL senders answers for each
// replica, and the gate that starts replica containers after the master's.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "providers/postgres/node/copy_group.h"
#include "providers/postgres/node/master_replication.h"
#include "providers/postgres/node/start_gate.h"

using namespace pgdecl::pg;

namespace {

ReplicaStream sender(const std::string& state, long long lag_bytes) {
  ReplicaStream stream;
  stream.state = state;
  stream.lag_bytes = lag_bytes;
  return stream;
}

}  // namespace

TEST_CASE("a replica's stream is its own sender's, with its own slot's state", "[unit]") {
  MasterReplication seen;
  seen.slots["pgdecl_replica1"] = SlotState{true, "reserved"};
  seen.slots["pgdecl_replica2"] = SlotState{false, "extended"};
  seen.add_sender("replica1", sender("streaming", 0));
  // A copy in progress has its own name: it is not the replica streaming,
  // though pg_basebackup -X stream's WAL stream is in state streaming.
  seen.add_sender("pgdecl_bootstrap_replica2", sender("backup", 4096));
  seen.add_sender("pgdecl_bootstrap_replica2", sender("streaming", 0));

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

TEST_CASE("of two senders under a replica's name, a streaming one speaks for it, else the newer", "[unit]") {
  // Senders are added oldest first.
  MasterReplication reconnecting;
  reconnecting.add_sender("replica1", sender("streaming", 100));
  reconnecting.add_sender("replica1", sender("startup", 0));
  CHECK(reconnecting.stream_of("replica1").state == "streaming");
  CHECK(reconnecting.stream_of("replica1").lag_bytes == 100);

  MasterReplication caught_up;
  caught_up.add_sender("replica1", sender("catchup", 100));
  caught_up.add_sender("replica1", sender("streaming", 0));
  CHECK(caught_up.stream_of("replica1").state == "streaming");
  CHECK(caught_up.stream_of("replica1").lag_bytes == 0);

  MasterReplication both_streaming;
  both_streaming.add_sender("replica1", sender("streaming", 100));
  both_streaming.add_sender("replica1", sender("streaming", 0));
  CHECK(both_streaming.stream_of("replica1").lag_bytes == 0);

  MasterReplication neither;
  neither.add_sender("replica1", sender("startup", 100));
  neither.add_sender("replica1", sender("catchup", 0));
  CHECK(neither.stream_of("replica1").state == "catchup");
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
