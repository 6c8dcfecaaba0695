// The replica provider over a recording fake master and replica: what the
// replica's volume holds decides what apply does with it. Another
// cluster's data is never copied over; a standby of this master is kept.
#include <catch2/catch.hpp>

#include "providers/postgres/replication/replica_providers.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using pgdecl::engine::Action;
using pgdecl::pg::testing::FakeNodeWorld;
using pgdecl::pg::testing::FakeServer;

namespace {

constexpr const char* kMasterIdentifier = "7000000000000000001";

// A world whose replica1 server runs on data of `identifier`, a whole copy
// still in recovery, its password file holding `passfile`.
struct ReplicaWorld {
  FakeNodeWorld world{pg::testing::one_replica_spec("copies", "", "slots: false")};
  FakeServer& master = world.add("master", kMasterIdentifier);
  FakeServer& replica;

  explicit ReplicaWorld(const std::string& identifier) : replica(world.add("replica1", identifier)) {
    world.add_volume("data");
    world.add_volume("r1");
    world.start();
    world.context().role_passwords.emplace("replicator", Secret("replication secret"));
    master.answer("SELECT system_identifier::text FROM pg_control_system()", {{kMasterIdentifier}});
    replica.answer("pg_read_file", {{identifier, "t", "passfile", "t"}});
  }

  bool docker_only_read() { return world.docker().only_reads(); }
};

}  // namespace

TEST_CASE("a replica whose volume holds another cluster's data is never copied over without --replace",
          "[unit][pg-fake]") {
  ReplicaWorld w("7000000000000000999");
  auto replicas = pg::make_replica_provider(w.world.context());
  const Address address{resource_type::kReplica, "replica1"};

  const auto change = w.world.read_and_plan(*replicas, address);
  CHECK(change.action == Action::kUpdate);
  CHECK_FALSE(change.remakes_data);
  REQUIRE(change.reasons.size() == 1);
  CHECK(change.reasons[0] ==
        "the volume holds data of another cluster (system identifier 7000000000000000999; the master's is "
        "7000000000000000001): apply does not copy over it; --replace pg_replica.replica1 re-clones it, and "
        "its data is lost");

  // Apply asks again, finds the same, and refuses: nothing is made, started
  // or removed, and no copy is taken from the master.
  auto outcome = replicas->apply(change);
  CHECK_FALSE(outcome.status);
  CHECK(outcome.status.message().find("is not copied over") != std::string::npos);
  CHECK(w.docker_only_read());
  CHECK(w.master.statements_with("pg_create_physical_replication_slot").empty());
  CHECK(w.master.statements_with("BASE_BACKUP").empty());
}

TEST_CASE("a replica whose volume holds a whole standby of this master is kept as it is", "[unit][pg-fake]") {
  ReplicaWorld w(kMasterIdentifier);
  auto replicas = pg::make_replica_provider(w.world.context());
  const Address address{resource_type::kReplica, "replica1"};

  const auto change = w.world.read_and_plan(*replicas, address);
  REQUIRE(change.before);
  CHECK(change.before->attributes.at("data") == "a standby of this master");
  // Its password file is not the replication user's: only that is written.
  CHECK(change.action == Action::kUpdate);
  CHECK(change.changes.size() == 1);
  CHECK(change.changes.at(0).name == "passfile");
  CHECK_FALSE(change.remakes_data);
}
