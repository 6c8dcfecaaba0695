// A node's role is data: the node whose role is master is the primary,
// whichever block of the spec it came from, and the resources a spec asks
// for follow the roles, not the blocks.
#include <catch2/catch.hpp>

#include "cluster/desired/desired.h"
#include "cluster/spec/loader.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using spec::NodeRole;

namespace {

spec::ClusterSpec loaded() {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_text(pg::testing::one_replica_spec("roles"), "/tmp/roles.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec);
  return *spec;
}

std::string attribute(const std::vector<engine::DesiredResource>& desired, const char* address,
                      const char* name) {
  for (const auto& resource : desired) {
    if (resource.address.to_string() == address) return resource.attributes.at(name);
  }
  FAIL("no " << address);
  return "";
}

}  // namespace

TEST_CASE("the master block's node is the primary as the spec is written", "[unit]") {
  const auto spec = loaded();
  CHECK(spec.master.role == NodeRole::kMaster);
  CHECK(spec.replicas.at(0).role == NodeRole::kReplica);
  CHECK(spec.primary().name == "master");
  CHECK(spec.is_master("master"));
  CHECK_FALSE(spec.is_master("replica1"));
  CHECK_FALSE(spec.is_master("gone"));
  REQUIRE(spec.nodes().size() == 2);
  CHECK(spec.nodes()[0]->name == "master");
}

TEST_CASE("with the roles swapped, the primary and what the spec asks for follow the roles", "[unit]") {
  auto spec = loaded();
  spec.master.role = NodeRole::kReplica;
  spec.replicas.at(0).role = NodeRole::kMaster;
  CHECK(spec.primary().name == "replica1");
  CHECK(spec.nodes()[0]->name == "replica1");
  CHECK(spec.nodes()[1]->name == "master");

  const auto desired = engine::desired_resources(spec);
  CHECK(attribute(desired, "docker_container.replica1", "role") == "master");
  CHECK(attribute(desired, "docker_container.master", "role") == "replica");
  // The copy and the slot are the node whose role is replica's, from the
  // primary.
  CHECK(attribute(desired, "pg_replica.master", "source") == "replica1");
  CHECK(attribute(desired, "pg_slot.master", "slot_name") == "pgdecl_master");
}
