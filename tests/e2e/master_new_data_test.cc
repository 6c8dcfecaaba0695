// A master moved to an empty volume serves a new cluster. The plan shows
// every consequence (roles, databases, slots, its files, each replica
// copied again from it) and one apply does all of it: nothing is left for
// a second apply to notice.
#include "tests/e2e/replica_fixture.h"

namespace pgdecl::testing {

TEST_CASE("a master moved to an empty volume: the plan shows everything made again, one apply does it",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("new-data");
  const std::string spec = replica_spec(cluster.name(), 1) +
                           "  - name: app\n    login: true\n    password: { generate: true }\n"
                           "databases:\n  - name: appdb\n    owner: app\n";
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.connect()->execute("create table old_rows as select 1 as v"));

  std::string moved = spec;
  moved.replace(moved.find("  data: {}\n"), 11, "  data: {}\n  data2: {}\n");
  moved.replace(moved.find("  volume: data\n"), 15, "  volume: data2\n");
  cluster.write_spec(moved);
  auto planned = cluster.run("plan -f spec.yaml");
  const std::string made_again = "because docker_container.master makes the data it lives in anew, so it is ";
  for (const char* resource :
       {"pg_role.replicator", "pg_role.app", "pg_database.appdb", "pg_slot.replica1"}) {
    INFO(resource);
    CHECK(contains(planned.out, std::string("# ") + resource + " will be created\n  #   " + made_again +
                                    "made there again"));
  }
  CHECK(contains(planned.out,
                 "# pg_hba.master will be updated in place\n  #   " + made_again + "written again"));
  // The new server starts with the defaults: max_connections (50 in the
  // spec, read only at start) restarts it, work_mem does not.
  CHECK(contains(planned.out, "# pg_settings.master will be updated in place (restart)\n  #   " + made_again +
                                  "written again"));
  INFO(planned.out);
  CHECK(contains(planned.out, "~ max_connections = \"100\" -> \"50\" # restarts the server\n"));
  CHECK(contains(planned.out, "~ work_mem        = \"4096kB\" -> \"8MB\"\n"));
  CHECK(contains(
      planned.out,
      "because docker_container.master makes the data it is a copy of anew, so it is copied again and "
      "what its volume holds goes"));

  auto applied = cluster.run("apply -f spec.yaml --auto-approve");
  REQUIRE(applied.exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  auto master = cluster.connect();
  CHECK(scalar(*master, "select count(*) from pg_tables where tablename = 'old_rows'") == "0");
  CHECK(scalar(*master, "select pg_get_userbyid(datdba) from pg_database where datname = 'appdb'") == "app");
  REQUIRE(master->execute("create table new_rows as select 'after the move' as v"));
  auto replica = connect_node(cluster, "replica1");
  CHECK(eventually(*replica, "select v from new_rows") == "after the move");
  // The old cluster's data is still in the old volume.
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*cluster.connect(), "select v::text from old_rows") == "1");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

}  // namespace pgdecl::testing
