// A copy that finds every WAL sender of the master in use waits for one to
// be free instead of failing the apply.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::contains;
using pgdecl::testing::eventually;
using pgdecl::testing::replica_spec;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;

namespace {

// Three WAL senders: one for replica1's stream, one held by the test, and
// one free, where a copy needs two (its base backup and its WAL stream).
std::string three_senders(const std::string& cluster, int replicas) {
  std::string spec = replica_spec(cluster, replicas);
  spec.replace(spec.find("    work_mem: 8MB\n"), 18, "    work_mem: 8MB\n    max_wal_senders: 3\n");
  return spec;
}

}  // namespace

TEST_CASE("a copy waits for a WAL sender to be free rather than fail", "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("senders");
  cluster.write_spec(three_senders(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  REQUIRE(master->execute("create table kept as select 'a row' as v"));

  // A logical replication connection is a WAL sender too; this one lets go
  // after a few seconds.
  // Its password goes through a 0600 file, not the command line.
  const auto passfile = cluster.dir() / "holder.pgpass";
  std::ofstream(passfile) << "*:*:*:postgres:" << cluster.superuser_password() << "\n";
  std::filesystem::permissions(passfile,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::thread holder([&] {
    run_command("PGPASSFILE=" + passfile.string() +
                " psql -X -q \"host=127.0.0.1 port=" + std::to_string(cluster.published_port()) +
                " user=postgres dbname=postgres replication=database\" -c 'select pg_sleep(4)'");
  });
  REQUIRE(eventually(*master, "select count(*) from pg_stat_replication having count(*) = 2") == "2");

  cluster.write_spec(three_senders(cluster.name(), 2));
  auto applied = cluster.run("--log-level info apply -f spec.yaml --auto-approve");
  holder.join();
  REQUIRE(applied.exit_code == 0);
  CHECK(contains(applied.err,
                 "replica2: every WAL sender of the master is busy (max_wal_senders); copying again"));
  CHECK(scalar(*master,
               "select string_agg(application_name || ' ' || state, ', ' order by application_name) "
               "from pg_stat_replication") == "replica1 streaming, replica2 streaming");
  CHECK(eventually(*connect_node(cluster, "replica2"), "select v from kept") == "a row");
}
