#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using pgdecl::testing::CliResult;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::connect_node;
using pgdecl::testing::contains;
using pgdecl::testing::eventually;
using pgdecl::testing::replica_spec;
using pgdecl::testing::run_command;
using pgdecl::testing::run_pgdecl;
using pgdecl::testing::scalar;
using pgdecl::testing::slurp;

namespace {

// What the master's pg_stat_replication and pg_replication_slots say, one
// line per replica: "replica1 streaming pgdecl_replica1 true".
std::string replication_view(pg::Connection& master) {
  return scalar(
      master,
      "select coalesce(string_agg(r.application_name || ' ' || r.state || ' ' || s.slot_name || ' ' || "
      "s.active, ', ' order by r.application_name), '') from pg_stat_replication r "
      "join pg_replication_slots s on s.active_pid = r.pid");
}

// A replica that was restarted streams again shortly after; polls the
// view until it says `expected` (or 20 seconds pass), and returns it.
std::string replication_view_reaching(pg::Connection& master, const std::string& expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string view = replication_view(master);
  while (view != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    view = replication_view(master);
  }
  return view;
}

// The inode of the replica's PG_VERSION: a copy made again gets a new one.
std::string data_inode(ClusterFixture& cluster, const std::string& node) {
  auto stat = run_command("docker exec " + cluster.name() + "-" + node +
                          " stat -c %i /var/lib/postgresql/data/pgdata/PG_VERSION");
  REQUIRE(stat.exit_code == 0);
  return stat.out;
}

// pg_controldata of what a replica's volume holds, read with no server on it.
pgdecl::testing::CliResult volume_controldata(ClusterFixture& cluster, const std::string& volume) {
  return run_command("docker run --rm -v " + cluster.name() + "-" + volume +
                     ":/d postgres:15 pg_controldata /d/pgdata");
}

std::string system_identifier(const std::string& controldata) {
  std::smatch found;
  if (!std::regex_search(controldata, found, std::regex("Database system identifier: *([0-9]+)"))) return "";
  return found[1];
}

// What Docker says of a container (its inspect JSON), seen from a thread of
// its own while an apply runs: a replica's copy container lives only while
// it copies. Empty when it was never seen.
class ContainerWatch {
 public:
  explicit ContainerWatch(const std::string& container)
      : transport_(docker::make_curl_transport("")), thread_([this, container] { watch(container); }) {}
  ~ContainerWatch() { stop(); }
  std::string stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    return seen_;
  }

 private:
  void watch(const std::string& container) {
    while (!done_ && seen_.empty()) {
      auto inspected = transport_->send({"GET", "/containers/" + container + "/json", "", ""});
      if (inspected && inspected->status == 200) {
        seen_ = inspected->body;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }

  std::unique_ptr<docker::Transport> transport_;
  std::atomic<bool> done_{false};
  std::string seen_;
  std::thread thread_;
};

// Where the replication password must not be, and the one place it is: the
// replica's passfile, readable by postgres alone.
void check_replication_password_kept(ClusterFixture& cluster, const std::string& password) {
  INFO("the replication password " << password);
  const std::string replica = cluster.name() + "-replica1";
  auto inspected = run_command("docker inspect " + replica);
  REQUIRE(inspected.exit_code == 0);
  CHECK_FALSE(contains(inspected.out, password));
  const auto state = slurp(cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json"));
  REQUIRE_FALSE(state.empty());
  CHECK_FALSE(contains(state, password));

  auto conninfo = scalar(*connect_node(cluster, "replica1"), "show primary_conninfo");
  INFO("primary_conninfo: " << conninfo);
  CHECK_FALSE(contains(conninfo, password));
  CHECK_FALSE(contains(conninfo, "password="));
  // The master by its alias on the cluster's network: an address would
  // go stale when the master's container is made again.
  CHECK(contains(conninfo, "host='master'"));
  CHECK_FALSE(std::regex_search(conninfo, std::regex("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+")));
  CHECK(contains(conninfo, "passfile='/var/lib/postgresql/data/replication.pass'"));

  auto passfile =
      run_command("docker exec " + replica + " stat -c '%a %U %G' /var/lib/postgresql/data/replication.pass");
  CHECK(passfile.out == "600 postgres postgres\n");
  auto holds = run_command("docker exec " + replica + " cat /var/lib/postgresql/data/replication.pass");
  CHECK(holds.out == "*:*:replication:replicator:" + password + "\n");
}

}  // namespace

TEST_CASE(
    "apply returns with every replica streaming through its slot, and survives losing a replica container",
    "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("rep2");
  cluster.write_spec(replica_spec(cluster.name(), 2));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  // No waiting here: apply returned only once both streamed.
  auto master = connect_node(cluster, "master");
  CHECK(replication_view(*master) ==
        "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
  // The slots may hold back this much WAL for a replica that is away, no more.
  CHECK(scalar(*master, "show max_slot_wal_keep_size") == "1GB");
  REQUIRE(master->execute("create table written (v text)"));
  REQUIRE(master->execute("insert into written values ('on the master')"));
  for (const char* replica : {"replica1", "replica2"}) {
    auto c = connect_node(cluster, replica);
    CHECK(scalar(*c, "select pg_is_in_recovery()") == "t");
    CHECK(eventually(*c, "select v from written") == "on the master");
  }
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  auto status = cluster.run("status -f spec.yaml");
  CHECK(status.exit_code == 0);
  // The lag is whatever replay has not caught up on at that instant: its
  // figures are shown, not fixed.
  for (const char* replica : {"replica1", "replica2"}) {
    const std::regex row(std::string("streaming  [0-9.]+ (B|kB|MB) / [0-9.]+ s  pgdecl_") + replica +
                         " active");
    CHECK(std::regex_search(status.out, row));
  }
  auto status_json = cluster.run("status -f spec.yaml --json");
  CHECK(status_json.exit_code == 0);
  const auto nodes = nlohmann::json::parse(status_json.out).at("nodes");
  REQUIRE(nodes.size() == 3);
  for (int i = 1; i <= 2; ++i) {
    const auto& replica = nodes.at(i);
    const std::string name = "replica" + std::to_string(i);
    CHECK(replica.at("name") == name);
    CHECK(replica.at("role") == "replica");
    CHECK(replica.at("streaming").at("state") == "streaming");
    CHECK(replica.at("streaming").at("reason").is_null());
    CHECK(replica.at("slot") ==
          nlohmann::json({{"name", "pgdecl_" + name}, {"exists", true}, {"active", true}}));
    CHECK(replica.at("lag").at("bytes").is_number_integer());
    CHECK(replica.at("lag").at("bytes") >= 0);
  }

  SECTION("a removed replica container comes back on its data, not a new copy") {
    const std::string inode = data_inode(cluster, "replica1");
    REQUIRE(cluster.docker().remove_container(cluster.name() + "-replica1", true));
    auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(plan.exit_code == 2);
    CHECK(
        contains(plan.out, "# docker_container.replica1 will be created\n  #   because it no longer exists"));
    CHECK_FALSE(contains(plan.out, "pg_replica.replica1"));  // the data is whole: no copy
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    CHECK(data_inode(cluster, "replica1") == inode);
    CHECK(replication_view(*master) ==
          "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  }

  SECTION("a removed replica volume is copied again from the master") {
    REQUIRE(cluster.docker().remove_container(cluster.name() + "-replica2", true));
    REQUIRE(cluster.docker().remove_volume(cluster.name() + "-replica2_data"));
    auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "# docker_volume.replica2_data will be created"));
    CHECK(contains(plan.out, "# pg_replica.replica2 will be created"));
    CHECK(contains(plan.out, "# docker_container.replica2 will be created"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    auto c = connect_node(cluster, "replica2");
    CHECK(eventually(*c, "select v from written") == "on the master");
    CHECK(replication_view(*master) ==
          "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
  }

  SECTION("a replica whose data directory went is never started on nothing: it is copied again") {
    REQUIRE(run_command("docker stop " + cluster.name() + "-replica2").exit_code == 0);
    REQUIRE(
        run_command("docker run --rm -v " + cluster.name() + "-replica2_data:/d postgres:15 rm -rf /d/pgdata")
            .exit_code == 0);
    // Started by hand, it waits for a copy: no initdb, no server of its own.
    REQUIRE(run_command("docker start " + cluster.name() + "-replica2").exit_code == 0);
    auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "# pg_replica.replica2 will be created"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    auto c = connect_node(cluster, "replica2");
    CHECK(scalar(*c, "select pg_is_in_recovery()") == "t");
    CHECK(eventually(*c, "select v from written") == "on the master");
    CHECK(replication_view(*master) ==
          "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  }

  SECTION("a restarted replica keeps its data and streams again") {
    const std::string inode = data_inode(cluster, "replica2");
    REQUIRE(run_command("docker restart " + cluster.name() + "-replica2").exit_code == 0);
    // Read once it is back: a replica copied anew on its way up would show.
    CHECK(replication_view_reaching(*master,
                                    "replica1 streaming pgdecl_replica1 true, replica2 streaming "
                                    "pgdecl_replica2 true") ==
          "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
    CHECK(data_inode(cluster, "replica2") == inode);
    CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
    auto c = connect_node(cluster, "replica2");
    CHECK(eventually(*c, "select v from written") == "on the master");
    REQUIRE(master->execute("insert into written values ('after the restart')"));
    CHECK(eventually(*c, "select v from written where v = 'after the restart'") == "after the restart");
  }

  SECTION("a stopped replica and a dropped slot show in the plan and are repaired") {
    REQUIRE(run_command("docker stop " + cluster.name() + "-replica2").exit_code == 0);
    REQUIRE(master->execute("select pg_drop_replication_slot('pgdecl_replica2')"));
    auto unhealthy = cluster.run("status -f spec.yaml");
    CHECK(unhealthy.exit_code == 3);
    CHECK(contains(unhealthy.out, "pgdecl_replica2 missing"));
    auto plan = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "# pg_slot.replica2 will be created\n  #   because it no longer exists"));
    CHECK(contains(plan.out, "# docker_container.replica2 will be updated in place"));
    CHECK(contains(plan.out, "the container is exited, not running"));
    REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
    CHECK(replication_view(*master) ==
          "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
  }
}

TEST_CASE("scaling out adds only the new replica; scaling in drops its container and slot, keeps its volume",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("scale");
  cluster.write_spec(replica_spec(cluster.name(), 2));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  cluster.write_spec(replica_spec(cluster.name(), 3));
  auto out = cluster.run("plan -f spec.yaml");
  CHECK(contains(out.out, "Plan: 6 to add, 0 to change, 0 to destroy."));
  CHECK_FALSE(contains(out.out, "replica1 will"));
  CHECK_FALSE(contains(out.out, "replica2 will"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  CHECK(replication_view(*master) ==
        "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true, "
        "replica3 streaming pgdecl_replica3 true");

  cluster.write_spec(replica_spec(cluster.name(), 2));
  auto in = cluster.run("plan -f spec.yaml");
  CHECK(contains(in.out, "# pg_slot.replica3 will be destroyed"));
  CHECK(contains(in.out, "# docker_container.replica3 will be destroyed"));
  CHECK(contains(in.out, "# docker_volume.replica3_data will no longer be managed"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*master, "select count(*) from pg_replication_slots where slot_name = 'pgdecl_replica3'") ==
        "0");
  auto gone = cluster.docker().inspect_container(cluster.name() + "-replica3");
  REQUIRE(gone);
  CHECK_FALSE(gone->has_value());
  auto kept = cluster.docker().inspect_volume(cluster.name() + "-replica3_data");
  REQUIRE(kept);
  CHECK(kept->has_value());
  CHECK(replication_view(*master) ==
        "replica1 streaming pgdecl_replica1 true, replica2 streaming pgdecl_replica2 true");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // Down to no replicas and no replication section at all.
  cluster.write_spec(pgdecl::testing::spec_text(cluster.name()));
  auto none = cluster.run("plan -f spec.yaml");
  CHECK(none.exit_code == 0);
  CHECK(contains(none.out, "# pg_slot.replica1 will be destroyed"));
  CHECK(contains(none.out, "# pg_replica.replica1 will no longer be managed"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*master, "select count(*) from pg_replication_slots") == "0");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a replica volume holding another cluster's data is reported and re-cloned only with --replace",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("swap");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  const std::string master_id = scalar(*master, "select system_identifier::text from pg_control_system()");

  // The replica's volume now holds a cluster of its own.
  REQUIRE(cluster.docker().remove_container(cluster.name() + "-replica1", true));
  auto swapped = run_command(
      "docker run --rm -v " + cluster.name() +
      "-replica1_data:/var/lib/postgresql/data postgres:15 sh -c 'rm -rf /var/lib/postgresql/data/* && "
      "mkdir /var/lib/postgresql/data/pgdata && chown -R postgres /var/lib/postgresql/data && "
      "setpriv --reuid=postgres --regid=postgres --init-groups initdb -D /var/lib/postgresql/data/pgdata "
      ">/dev/null'");
  REQUIRE(swapped.exit_code == 0);
  const std::string other_id = system_identifier(volume_controldata(cluster, "replica1_data").out);
  REQUIRE_FALSE(other_id.empty());
  REQUIRE(other_id != master_id);

  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(contains(plan.out, "# pg_replica.replica1 will be updated in place"));
  CHECK(contains(plan.out, "the volume holds data of another cluster (system identifier "));
  CHECK(contains(plan.out, "the master's is " + master_id +
                               "): apply does not copy over it; --replace "
                               "pg_replica.replica1 re-clones it, and its data is lost"));
  auto refused = cluster.run("apply -f spec.yaml --auto-approve");
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.out + refused.err, "it is not copied over"));
  // Refused, the other cluster's data is still all there.
  auto still_other = volume_controldata(cluster, "replica1_data");
  CHECK(still_other.exit_code == 0);
  CHECK(system_identifier(still_other.out) == other_id);

  auto replace_plan = cluster.run("plan -f spec.yaml --replace pg_replica.replica1");
  CHECK(contains(replace_plan.out, "# pg_replica.replica1 must be replaced, and the data in it is lost"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve --replace pg_replica.replica1").exit_code == 0);
  auto replica = connect_node(cluster, "replica1");
  CHECK(scalar(*replica, "select system_identifier::text from pg_control_system()") == master_id);
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1 true");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("destroy leaves nothing of the cluster but the kept volumes", "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("repdestroy");
  cluster.write_spec(replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string inode = data_inode(cluster, "replica1");
  REQUIRE(cluster.run("destroy -f spec.yaml --auto-approve").exit_code == 0);
  docker::Labels mine{{"pgdecl.cluster", cluster.name()}};
  CHECK(cluster.docker().list_containers(mine)->empty());
  CHECK(cluster.docker().list_networks(mine)->empty());
  auto volumes = cluster.docker().list_volumes(mine);
  REQUIRE(volumes);
  CHECK(volumes->size() == 2);  // the master's and the replica's data
  // Applied again, the kept volumes come back as they were: no copy made.
  auto again = cluster.run("apply -f spec.yaml --auto-approve");
  REQUIRE(again.exit_code == 0);
  CHECK_FALSE(contains(again.out, "pg_replica.replica1: Creating"));
  CHECK(data_inode(cluster, "replica1") == inode);
  auto master = connect_node(cluster, "master");
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1 true");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a master killed during a replica's copy fails the apply with the reason; the next apply converges",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("repkill");
  cluster.write_spec(replica_spec(cluster.name(), 0));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  {
    auto master = connect_node(cluster, "master");
    // Enough data that the copy takes a moment.
    REQUIRE(
        master->execute("create table big as select repeat('x', 1000) as v from generate_series(1, 100000)"));
  }
  cluster.write_spec(replica_spec(cluster.name(), 1));
  CliResult failed;
  std::thread apply([&] { failed = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve"); });
  const std::string copier = cluster.name() + "-replica1-bootstrap";
  bool killed = false;
  for (int i = 0; i < 2000 && !killed; ++i) {
    auto c = cluster.docker().inspect_container(copier);
    if (c && c->has_value() && (*c)->running()) {
      killed = run_command("docker kill " + cluster.name() + "-master").exit_code == 0;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  apply.join();
  REQUIRE(killed);
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  CHECK(contains(failed.out + failed.err,
                 "pg_replica.replica1: copying the master's data for replica1 failed"));
  CHECK(contains(failed.out + failed.err, "pg_basebackup: error:"));

  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(contains(plan.out, "# docker_container.master will be updated in place"));
  CHECK(contains(plan.out, "pg_replica.replica1"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto master = connect_node(cluster, "master");
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1 true");
  auto replica = connect_node(cluster, "replica1");
  CHECK(scalar(*replica, "select count(*) from big") == "100000");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE(
    "a restart-only change restarts the replicas first when it goes up, the master first when it goes down",
    "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("reporder");
  // Restarts in place: the order of the servers' start times is the order
  // of the restarts (a switchover would start the replica again after).
  const std::string in_place = "ha:\n  primary_update: restart\n";
  cluster.write_spec(replica_spec(cluster.name(), 1) + in_place);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string started = "select extract(epoch from pg_postmaster_start_time())::numeric::text";
  auto start_times = [&] {
    auto master = connect_node(cluster, "master");
    auto replica = connect_node(cluster, "replica1");
    return std::make_pair(std::stod(scalar(*master, started)), std::stod(scalar(*replica, started)));
  };

  std::string spec = replica_spec(cluster.name(), 1) + in_place;
  spec.replace(spec.find("max_connections: 50"), 19, "max_connections: 60");
  cluster.write_spec(spec);
  auto up = cluster.run("plan -f spec.yaml");
  CHECK(contains(up.out, "the replicas restart first, so no standby runs below its master"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto [master_up, replica_up] = start_times();
  CHECK(replica_up < master_up);
  CHECK(scalar(*connect_node(cluster, "replica1"), "show max_connections") == "60");  // inherited

  cluster.write_spec(replica_spec(cluster.name(), 1) + in_place);
  auto down = cluster.run("plan -f spec.yaml");
  CHECK(contains(down.out, "the master restarts before its replicas"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto [master_down, replica_down] = start_times();
  CHECK(master_down < replica_down);
  auto master = connect_node(cluster, "master");
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1 true");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE(
    "the replication password is only in the replica's password file; a new one reaches it and signs in "
    "after a restart",
    "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("reppw");
  std::string spec = replica_spec(cluster.name(), 1);
  spec.replace(spec.rfind("password: { generate: true }"), 28, "password: { file: repl.password }");
  std::ofstream(cluster.dir() / "repl.password") << "the-first-one\n";
  cluster.write_spec(spec);
  ContainerWatch copy(cluster.name() + "-replica1-bootstrap");
  auto applied = cluster.run("apply -f spec.yaml --auto-approve");
  const std::string copy_inspected = copy.stop();
  REQUIRE(applied.exit_code == 0);
  CHECK_FALSE(contains(applied.out + applied.err, "the-first-one"));
  // The copy signs in with a passfile handed to it as a file, not through
  // its command or environment.
  CHECK(contains(copy_inspected, "pg_basebackup"));
  CHECK_FALSE(contains(copy_inspected, "the-first-one"));
  check_replication_password_kept(cluster, "the-first-one");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  std::ofstream(cluster.dir() / "repl.password") << "the-second-one\n";
  auto plan = cluster.run("plan -f spec.yaml");
  CHECK(contains(plan.out, "# pg_role.replicator will be updated in place"));
  CHECK(contains(plan.out,
                 "# pg_replica.replica1 will be updated in place\n  #   because the replica's password file "
                 "holds another password"));
  CHECK_FALSE(contains(plan.out + plan.err, "the-second-one"));
  auto plan_json = cluster.run("plan -f spec.yaml --json");
  CHECK(plan_json.exit_code == 0);
  CHECK_FALSE(contains(plan_json.out + plan_json.err, "the-second-one"));
  REQUIRE(cluster.run("plan -f spec.yaml --out next.plan").exit_code == 0);
  const auto plan_file = slurp(cluster.dir() / "next.plan");
  REQUIRE_FALSE(plan_file.empty());
  CHECK_FALSE(contains(plan_file, "the-second-one"));
  auto rotated = cluster.run("apply -f spec.yaml --auto-approve");
  REQUIRE(rotated.exit_code == 0);
  CHECK_FALSE(contains(rotated.out + rotated.err, "the-second-one"));
  check_replication_password_kept(cluster, "the-second-one");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // A restart makes the WAL receiver sign in afresh, with the file.
  REQUIRE(run_command("docker restart " + cluster.name() + "-replica1").exit_code == 0);
  auto master = connect_node(cluster, "master");
  CHECK(replication_view_reaching(*master, "replica1 streaming pgdecl_replica1 true") ==
        "replica1 streaming pgdecl_replica1 true");
}

TEST_CASE("a new replica starts with the master's settings, even ones a standby needs at least as high",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("repmin");
  std::string spec = replica_spec(cluster.name(), 1);
  // Above PostgreSQL's defaults: a replica started on defaults refuses.
  spec.replace(spec.find("max_connections: 50"), 19, "max_connections: 150\n    max_wal_senders: 20");
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto replica = connect_node(cluster, "replica1");
  CHECK(scalar(*replica, "show max_connections") == "150");
  CHECK(scalar(*replica, "show max_wal_senders") == "20");
  auto master = connect_node(cluster, "master");
  CHECK(replication_view(*master) == "replica1 streaming pgdecl_replica1 true");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
