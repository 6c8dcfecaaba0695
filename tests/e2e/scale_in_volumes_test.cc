// Scaling in: a departing replica's volume goes with it only when the user
// says so (--purge-volumes, or prevent_destroy: false on the volume); the
// volume staying without either is checked in replicas_test.cc.

#include <catch2/catch.hpp>
#include <string>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::contains;
using pgdecl::testing::eventually;
using pgdecl::testing::replica_spec;
using pgdecl::testing::scalar;
using pgdecl::testing::slurp;

namespace {

bool volume_exists(ClusterFixture& cluster, const std::string& volume) {
  auto found = cluster.docker().inspect_volume(cluster.name() + "-" + volume);
  REQUIRE(found);
  return found->has_value();
}

bool container_exists(ClusterFixture& cluster, const std::string& node) {
  auto found = cluster.docker().inspect_container(cluster.name() + "-" + node);
  REQUIRE(found);
  return found->has_value();
}

std::string streams(pg::Connection& master) {
  return scalar(master,
                "select coalesce(string_agg(r.application_name || ' ' || r.state || ' ' || s.slot_name, ', ' "
                "order by r.application_name), '') from pg_stat_replication r join pg_replication_slots s "
                "on s.active_pid = r.pid");
}

std::size_t at(const std::string& text, const std::string& part) {
  auto found = text.find(part);
  INFO(part);
  REQUIRE(found != std::string::npos);
  return found;
}

std::string state_of(ClusterFixture& cluster) {
  return slurp(cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json"));
}

}  // namespace

TEST_CASE(
    "scaling in with --purge-volumes removes the departing replica's volume after its container; a saved "
    "plan carries the flag",
    "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("purge");
  cluster.write_spec(replica_spec(cluster.name(), 3));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table kept (v text)"));
  REQUIRE(master->execute("insert into kept values ('the master''s row')"));

  // 3 -> 2, the flag given to apply.
  cluster.write_spec(replica_spec(cluster.name(), 2));
  auto kept = cluster.run("plan -f spec.yaml");
  CHECK(contains(kept.out, "# docker_volume.replica3_data will no longer be managed"));
  auto purged = cluster.run("apply -f spec.yaml --auto-approve --purge-volumes");
  REQUIRE(purged.exit_code == 0);
  CHECK(contains(purged.out,
                 "# docker_volume.replica3_data will be destroyed, and the data in it\n"
                 "  #   because it is no longer in the spec, and --purge-volumes was given\n"
                 "  - docker_volume.replica3_data\n"));
  CHECK(contains(purged.out, "# docker_container.replica3 will be destroyed"));
  CHECK(contains(purged.out,
                 "# pg_replica.replica3 will no longer be managed (it is kept as it is)\n"
                 "  #   because it lives in the node's data directory, which goes with "
                 "docker_volume.replica3_data\n"));
  CHECK(contains(purged.out, "Plan: 0 to add, 0 to change, 3 to destroy."));  // container, slot, volume
  CHECK_FALSE(contains(purged.out, "docker_volume.data "));
  CHECK_FALSE(contains(purged.out, "replica2_data"));
  CHECK(at(purged.out, "docker_container.replica3: done") <
        at(purged.out, "docker_volume.replica3_data: Destroying..."));
  CHECK_FALSE(volume_exists(cluster, "replica3_data"));
  CHECK_FALSE(container_exists(cluster, "replica3"));
  CHECK(volume_exists(cluster, "replica2_data"));
  CHECK_FALSE(contains(state_of(cluster), "replica3"));
  CHECK(streams(*master) == "replica1 streaming pgdecl_replica1, replica2 streaming pgdecl_replica2");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // 2 -> 1 through a saved plan: the flag was given to plan, and the plan
  // file does what it said; one saved without it refuses the flag.
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("plan -f spec.yaml --out keep.plan").exit_code == 0);
  auto refused = cluster.run("apply --purge-volumes keep.plan");
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "plan keep.plan was made without --purge-volumes"));
  CHECK(container_exists(cluster, "replica2"));

  auto saved = cluster.run("plan -f spec.yaml --purge-volumes --out purge.plan");
  REQUIRE(saved.exit_code == 0);
  CHECK(contains(saved.out, "# docker_volume.replica2_data will be destroyed, and the data in it"));
  REQUIRE(cluster.run("apply purge.plan").exit_code == 0);
  CHECK_FALSE(volume_exists(cluster, "replica2_data"));
  CHECK_FALSE(container_exists(cluster, "replica2"));
  CHECK(scalar(*master, "select count(*) from pg_replication_slots where slot_name = 'pgdecl_replica2'") ==
        "0");
  CHECK(volume_exists(cluster, "replica1_data"));
  CHECK(volume_exists(cluster, "data"));

  CHECK(streams(*master) == "replica1 streaming pgdecl_replica1");
  CHECK(scalar(*master, "select v from kept") == "the master's row");
  REQUIRE(master->execute("insert into kept values ('after the scale-in')"));
  auto replica = connect_node(cluster, "replica1");
  CHECK(eventually(*replica, "select v from kept where v = 'after the scale-in'") == "after the scale-in");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a volume declared with prevent_destroy: false goes with its replica on scale-in, no flag needed",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("nokeep");
  auto disposable = [&](int count) {
    std::string spec = replica_spec(cluster.name(), count);
    if (count >= 2)
      spec.replace(spec.find("  replica2_data: {}\n"), 20, "  replica2_data: { prevent_destroy: false }\n");
    return spec;
  };
  cluster.write_spec(disposable(2));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table kept as select 'the master''s row' as v"));

  // Set on a volume that exists: the state records it, then nothing is left to do.
  std::string later = disposable(2);
  later.replace(later.find("  replica1_data: {}\n"), 20, "  replica1_data: { prevent_destroy: false }\n");
  cluster.write_spec(later);
  auto recorded = cluster.run("plan -f spec.yaml");
  CHECK(contains(recorded.out,
                 "  ~ docker_volume.replica1_data\n      ~ prevent_destroy = \"true\" -> \"false\"\n"));
  CHECK(contains(recorded.out, "Plan: 0 to add, 1 to change, 0 to destroy."));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // replica2 and its volume leave the spec; the state still says its data may go.
  std::string one = replica_spec(cluster.name(), 1);
  one.replace(one.find("  replica1_data: {}\n"), 20, "  replica1_data: { prevent_destroy: false }\n");
  cluster.write_spec(one);
  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(contains(plan.out,
                 "# docker_volume.replica2_data will be destroyed, and the data in it\n"
                 "  #   because it is no longer in the spec, and its prevent_destroy is false\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK_FALSE(volume_exists(cluster, "replica2_data"));
  CHECK_FALSE(container_exists(cluster, "replica2"));
  CHECK(volume_exists(cluster, "replica1_data"));
  CHECK(streams(*master) == "replica1 streaming pgdecl_replica1");
  CHECK(scalar(*master, "select v from kept") == "the master's row");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
