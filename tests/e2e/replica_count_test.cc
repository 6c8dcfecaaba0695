// Identical replicas declared by count: each gets its own volume, slot and
// copy, and a larger count adds only the new ones.
#include <catch2/catch.hpp>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::eventually;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;

namespace {

std::string counted_spec(const std::string& cluster, int count) {
  return spec_text(cluster) + "replicas: { count: " + std::to_string(count) +
         ", volume_prefix: standby_data }\n"
         "replication:\n  user: replicator\n"
         "roles:\n  - name: replicator\n    login: true\n    replication: true\n"
         "    password: { generate: true }\n";
}

}  // namespace

TEST_CASE("replicas declared by count stream, each on its own volume; a larger count adds only the new one",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("count");
  cluster.write_spec(counted_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = cluster.connect();
  REQUIRE(master->execute("create table kept as select 'a row' as v"));
  CHECK(eventually(*connect_node(cluster, "replica1"), "select v from kept") == "a row");

  cluster.write_spec(counted_spec(cluster.name(), 2));
  auto planned = cluster.run("plan -f spec.yaml");
  CHECK(planned.out.find("# docker_volume.standby_data2 will be created") != std::string::npos);
  CHECK(planned.out.find("# pg_replica.replica2 will be created") != std::string::npos);
  CHECK(planned.out.find("replica1") == std::string::npos);
  CHECK(planned.out.find(", 0 to change, 0 to destroy.") != std::string::npos);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  CHECK(scalar(*master,
               "select string_agg(application_name || ' ' || state, ', ' order by application_name) "
               "from pg_stat_replication") == "replica1 streaming, replica2 streaming");
  CHECK(scalar(*master,
               "select string_agg(slot_name || ' ' || active, ', ' order by slot_name) "
               "from pg_replication_slots") == "pgdecl_replica1 true, pgdecl_replica2 true");
  CHECK(eventually(*connect_node(cluster, "replica2"), "select v from kept") == "a row");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
