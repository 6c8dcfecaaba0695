// How one read of the master's slots and WAL senders answers for each
// replica, and the gate that starts replica containers after the master's.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

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

TEST_CASE("an unarmed start gate holds nobody", "[unit]") {
  StartGate gate;
  gate.pass(std::chrono::hours(1));  // returns at once, or the test never ends
  SUCCEED();
}

TEST_CASE("an armed start gate holds a replica until the master has started", "[unit]") {
  StartGate gate;
  gate.arm();
  std::atomic<bool> master_started{false};
  std::atomic<bool> passed_before_master{false};
  std::thread replica([&] {
    gate.pass(std::chrono::hours(1));
    passed_before_master = !master_started.load();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  master_started = true;
  gate.open();
  replica.join();
  CHECK_FALSE(passed_before_master);
}
