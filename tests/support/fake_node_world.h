#pragma once

// The PostgreSQL providers over fakes: Docker answers from a FakeTransport
// (each node's container running and published), and each node's server is
// a FakeServer that records what it is sent. For unit tests of what the
// providers decide, without an engine or a server.

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>

#include "cluster/spec/loader.h"
#include "providers/docker/client.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/postgres/node/node_context.h"
#include "providers/postgres/node/published_address.h"
#include "tests/support/desired_support.h"
#include "tests/support/fake_sql.h"
#include "tests/support/fake_transport.h"

namespace pgdecl::pg::testing {

// A master and replica1 (volumes data and r1) streaming as the replicator
// role: the cluster the fake-world tests of replication start from.
// `node_keys` is added to both nodes' maps ("parameters: {...}"),
// `replication_keys` to the replication map ("slots: false").
inline std::string one_replica_spec(const std::string& name, const std::string& node_keys = "",
                                    const std::string& replication_keys = "") {
  const std::string node_extra = node_keys.empty() ? "" : ", " + node_keys;
  const std::string replication_extra = replication_keys.empty() ? "" : ", " + replication_keys;
  return "version: 1\nname: " + name +
         "\nnetwork: { name: net }\n"
         "images: { postgres: { tag: \"postgres:15\" } }\n"
         "volumes: { data: {}, r1: {} }\n"
         "master: { image: postgres, volume: data" +
         node_extra + " }\nreplicas: [{ name: replica1, volume: r1" + node_extra +
         " }]\nreplication: { user: replicator" + replication_extra +
         " }\nroles: [{ name: replicator, login: true, replication: true, password: { generate: true } }]\n";
}

class FakeNodeWorld {
 public:
  // The nodes' servers are made by add(); start() then tells Docker of them.
  explicit FakeNodeWorld(const std::string& spec_text)
      : desired(pgdecl::testing::desired_by_address(spec_text.c_str())) {
    auto transport = std::make_unique<docker::testing::FakeTransport>();
    docker_ = transport.get();
    client_ = std::make_unique<docker::Client>(std::move(transport));
    Diagnostics diagnostics;
    auto loaded = spec::load_spec_text(spec_text, "/tmp/fake-node-world.yaml", diagnostics);
    INFO(diagnostics.to_string());
    REQUIRE(loaded);
    spec_ = *loaded;
    snapshot_ = std::make_unique<docker::ClusterSnapshot>(*client_, spec_.name);
    sessions_.set_opener(servers_.opener());
    sessions_.set_address_lookup(published_address_lookup(*snapshot_));
    context_ = std::make_unique<NodeContext>(NodeContext{*snapshot_, spec_, sessions_});
  }

  FakeServer& add(const std::string& node, const std::string& system_identifier = "7000000000000000001") {
    return servers_.add(node, system_identifier);
  }
  // A volume of the spec that Docker has, this cluster's (before start()).
  void add_volume(const std::string& volume) { volumes_.push_back(volume); }
  void start() { servers_.answer_docker(*docker_, spec_.name, volumes_); }

  NodeContext& context() { return *context_; }
  docker::testing::FakeTransport& docker() { return *docker_; }
  const engine::DesiredResource& want(const Address& address) const { return desired.at(address); }

  // What `provider` reads of `address` on the fake servers (it must be
  // there), and the change it plans from it to the spec.
  engine::PlannedChange read_and_plan(engine::ResourceProvider& provider, const Address& address) {
    auto live = provider.read(address);
    INFO(live.status().message());
    REQUIRE(live);
    REQUIRE(live->has_value());
    return provider.plan(address, &want(address), &**live);
  }

  std::map<Address, engine::DesiredResource> desired;

 private:
  docker::testing::FakeTransport* docker_ = nullptr;
  std::unique_ptr<docker::Client> client_;
  spec::ClusterSpec spec_;
  std::unique_ptr<docker::ClusterSnapshot> snapshot_;
  FakeCluster servers_;
  std::vector<std::string> volumes_;
  NodeSessions sessions_{"postgres", Secret("unused")};
  std::unique_ptr<NodeContext> context_;
};

}  // namespace pgdecl::pg::testing
