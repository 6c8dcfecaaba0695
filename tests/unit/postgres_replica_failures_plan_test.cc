// What a plan says of a replica that cannot stream: its slot's lost WAL,
// a promoted copy, and the replica's own words. Plans are pure: these need
// no Docker engine and no server.

#include <catch2/catch.hpp>
#include <memory>

#include "cluster/desired/desired.h"
#include "cluster/spec/loader.h"
#include "providers/postgres/catalog/catalog_providers.h"
#include "providers/postgres/node/node_context.h"
#include "providers/postgres/node/node_providers.h"
#include "providers/postgres/replication/replica_providers.h"
#include "providers/postgres/replication/replica_volume.h"
#include "tests/support/desired_support.h"
#include "tests/support/fake_transport.h"

using namespace pgdecl;
using pgdecl::engine::Action;

namespace {

const char* kSpec = R"(version: 1
name: failures
network: { name: net }
images: { postgres: { tag: "postgres:15" } }
volumes: { master_data: {}, replica1_data: {} }
master:
  image: postgres
  volume: master_data
replicas:
  - name: replica1
    volume: replica1_data
replication: { user: replicator, slots: true }
roles:
  - name: replicator
    login: true
    replication: true
    password: { generate: true }
)";

// Providers over a Docker engine that answers nothing: plan() must not ask.
struct Providers {
  Providers() : client(std::make_unique<docker::testing::FakeTransport>()), snapshot(client, "failures") {
    Diagnostics diagnostics;
    auto loaded = spec::load_spec_text(kSpec, "/tmp/failures-test.yaml", diagnostics);
    INFO(diagnostics.to_string());
    REQUIRE(loaded);
    spec = *loaded;
  }
  docker::Client client;
  docker::ClusterSnapshot snapshot;
  spec::ClusterSpec spec;
  pg::NodeSessions sessions{"postgres", Secret("unused")};
  pg::NodeContext context{snapshot, spec, sessions};
  std::map<Address, engine::DesiredResource> desired = testing::desired_by_address(kSpec);
};

std::string all_reasons(const engine::PlannedChange& change) {
  std::string text;
  for (const auto& reason : change.reasons) text += reason + "\n";
  return text;
}

}  // namespace

TEST_CASE("a slot whose WAL the master removed is made again, saying why", "[unit]") {
  Providers p;
  auto slots = pg::make_slot_provider(p.context);
  const Address address{resource_type::kSlot, "replica1"};
  engine::LiveResource live{"pgdecl_replica1", {{"slot_name", "pgdecl_replica1"}}, {}};

  // The slot provider's details, as its read writes them.
  live.details = R"({"active": false, "wal_status": "extended"})";
  CHECK(slots->plan(address, &p.desired.at(address), &live).action == Action::kNoOp);

  live.details = R"({"active": false, "wal_status": "lost"})";
  auto change = slots->plan(address, &p.desired.at(address), &live);
  CHECK(change.action == Action::kReplace);
  CHECK(all_reasons(change) ==
        "its wal_status is lost: the master removed WAL it held for replica1 (more than "
        "max_slot_wal_keep_size behind), so it is made again and replica1 copied again\n");
  // Leaving the spec, a lost slot is only dropped.
  CHECK(slots->plan(address, nullptr, &live).action == Action::kDelete);
}

TEST_CASE("a replica whose WAL is gone is copied again; a promoted one only with --replace", "[unit]") {
  Providers p;
  auto replicas = pg::make_replica_provider(p.context);
  const Address address{resource_type::kReplica, "replica1"};
  const auto& want = p.desired.at(address);
  engine::LiveResource live{"replica1",
                            {{"source", "master"},
                             {"data", "a standby of this master"},
                             {"passfile", "holds the replication user's password"}},
                            {}};
  CHECK(replicas->plan(address, &want, &live).action == Action::kNoOp);

  auto gone_because = [&](const std::string& why) {
    const pg::VolumeFound found = pg::wal_gone_standby(why);
    live.attributes["data"] = found.words;
    engine::set_details(live, found);
  };
  gone_because("its slot pgdecl_replica1 has wal_status lost");
  auto gone = replicas->plan(address, &want, &live);
  CHECK(gone.action == Action::kUpdate);
  CHECK(all_reasons(gone) ==
        "the master removed WAL replica1 still needs (its slot pgdecl_replica1 has wal_status lost): it can "
        "never catch up, so it is copied again\n");
  CHECK_FALSE(gone.destroys_data);
  // The slot made again since: the replica's own words say why.
  const std::string says =
      "replica1 says: FATAL:  could not receive data from WAL stream: ERROR:  requested WAL "
      "segment 000000010000000000000003 has already been removed";
  gone_because(says);
  CHECK(all_reasons(replicas->plan(address, &want, &live)) ==
        "the master removed WAL replica1 still needs (" + says +
            "): it can never catch up, so it is copied again\n");

  live.attributes["data"] = "a copy of this master promoted to a primary of its own";
  engine::set_details(live, pg::VolumeFound{pg::VolumeHolds::kPromoted, live.attributes["data"]});
  auto promoted = replicas->plan(address, &want, &live);
  CHECK(promoted.action == Action::kUpdate);
  CHECK(all_reasons(promoted) ==
        "the volume holds a copy of this master promoted to a primary of its own: apply does not copy over "
        "it; --replace pg_replica.replica1 re-clones it, and its data is lost\n");
}

TEST_CASE("a running replica that does not stream gives its own words as the reason", "[unit]") {
  Providers p;
  auto containers = pg::make_node_container_provider(p.context);
  const Address address{resource_type::kContainer, "replica1"};
  const auto& want = p.desired.at(address);
  engine::LiveResource live{"id", want.attributes, {}};
  live.attributes[engine::attr::kPublish] = "127.0.0.1:5433";
  live.attributes[engine::attr::kReplication] = "not connected";
  const std::string words = "FATAL:  could not connect to the primary server: password authentication failed";
  live.details = nlohmann::json{{"complaint", words}}.dump();  // the container provider's details
  auto change = containers->plan(address, &want, &live);
  CHECK(change.action == Action::kUpdate);
  CHECK(all_reasons(change) ==
        "the master does not see this replica streaming (not connected)\nreplica1 says: " + words + "\n");

  // Streaming, it has nothing to say, whatever its log held before.
  live.attributes[engine::attr::kReplication] = engine::kStreaming;
  CHECK(containers->plan(address, &want, &live).action == Action::kNoOp);
}
