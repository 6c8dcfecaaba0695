// The order a replica's resources are made in: its container first, beside
// the master's; its copy once the master, its slot and its container exist;
// its pg_hba once the copy runs.

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "cluster/desired/desired.h"
#include "cluster/spec/loader.h"
#include "tests/support/desired_support.h"

using namespace pgdecl;
using namespace pgdecl::engine;

using pgdecl::testing::depends;

namespace {

const char* kSpec = R"(version: 1
name: graph
network: { name: net }
images: { postgres: { tag: "postgres:15" } }
volumes: { master_data: {} }
master:
  image: postgres
  volume: master_data
replicas: { count: 2, volume_prefix: replica_data }
replication: { user: replicator, slots: true }
roles:
  - name: replicator
    login: true
    replication: true
    password: { generate: true }
)";

std::map<Address, DesiredResource> desired_by_address() { return testing::desired_by_address(kSpec); }

}  // namespace

TEST_CASE("a replica's container is made beside the master's, before its copy", "[unit]") {
  auto desired = desired_by_address();
  const DesiredResource& container = desired.at(*Address::parse("docker_container.replica1"));
  CHECK_FALSE(depends(container, "pg_replica.replica1"));
  CHECK_FALSE(depends(container, "docker_container.master"));
  CHECK(depends(container, "docker_volume.replica_data1"));
  CHECK(depends(container, "docker_network.net"));

  const DesiredResource& copy = desired.at(*Address::parse("pg_replica.replica1"));
  for (const char* before : {"docker_container.replica1", "docker_container.master", "pg_settings.master",
                             "pg_slot.replica1", "pg_role.replicator", "docker_volume.replica_data1"}) {
    INFO(before);
    CHECK(depends(copy, before));
  }
  CHECK_FALSE(depends(copy, "docker_container.replica2"));

  // pg_hba is checked by the replica's own server, which runs on the copy.
  CHECK(depends(desired.at(*Address::parse("pg_hba.replica1")), "pg_replica.replica1"));
  CHECK(depends(desired.at(*Address::parse("pg_settings.replica1")), "pg_hba.replica1"));
}
