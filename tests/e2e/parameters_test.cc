#include <catch2/catch.hpp>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::kStartTime;
using pgdecl::testing::run_pgdecl;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;
using pgdecl::testing::with_parameters;

TEST_CASE("parameters compare by value: units and boolean spellings the server takes as equal plan nothing",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("param-norm");
  auto spec_with = [&](const std::string& work_mem, const std::string& log_connections,
                       const std::string& checkpoint_timeout) {
    // DateStyle: the server spells a few names in mixed case.
    return with_parameters(cluster.name(),
                           "    max_connections: 50\n    DateStyle: 'ISO, DMY'\n    work_mem: " + work_mem +
                               "\n    log_connections: " + log_connections +
                               "\n    checkpoint_timeout: " + checkpoint_timeout + "\n");
  };
  cluster.write_spec(spec_with("1GB", "on", "5min"));
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  {
    auto c = cluster.connect();
    // The server keeps work_mem in kB, whatever unit the spec used.
    CHECK(scalar(*c, "select setting from pg_settings where name = 'work_mem'") == "1048576");
    CHECK(scalar(*c, "select unit from pg_settings where name = 'work_mem'") == "kB");
    CHECK(scalar(*c, "show work_mem") == "1GB");
    CHECK(scalar(*c, "show log_connections") == "on");
    CHECK(scalar(*c, "show datestyle") == "ISO, DMY");
    CHECK(scalar(*c, "select setting || ' ' || unit from pg_settings where name = 'checkpoint_timeout'") ==
          "300 s");
  }
  auto calm = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(calm.out << calm.err);
  CHECK(calm.exit_code == 0);
  CHECK(calm.out.find("No changes.") == 0);

  // Written differently, the same values: still nothing to do.
  for (const auto& [work_mem, log_connections, checkpoint_timeout] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"1048576kB", "on", "5min"}, {"1024MB", "\"true\"", "300s"}, {"1GB", "yes", "300000ms"}}) {
    cluster.write_spec(spec_with(work_mem, log_connections, checkpoint_timeout));
    auto same = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
    INFO("work_mem: " << work_mem << ", log_connections: " << log_connections
                      << ", checkpoint_timeout: " << checkpoint_timeout << "\n"
                      << same.out << same.err);
    CHECK(same.exit_code == 0);
    CHECK(same.out.find("No changes.") == 0);
  }

  // A value that does differ is still seen.
  cluster.write_spec(spec_with("2GB", "on", "5min"));
  auto changed = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 2);
  CHECK(changed.out.find("because work_mem is 1GB on the server, the spec says 2GB") != std::string::npos);
  CHECK(changed.out.find("~ work_mem = \"1GB\" -> \"2GB\"\n") != std::string::npos);
  CHECK(changed.out.find("log_connections") == std::string::npos);
  CHECK(changed.out.find("checkpoint_timeout") == std::string::npos);
  CHECK(changed.out.find("Plan: 0 to add, 1 to change, 0 to destroy.") != std::string::npos);
}

TEST_CASE("a reloadable parameter changes without restarting the server", "[e2e][docker][postgres]") {
  ClusterFixture cluster("param-reload");
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  const std::string started = scalar(*cluster.connect(), kStartTime);

  // pgdecl's default for max_slot_wal_keep_size gives way to the spec's.
  cluster.write_spec(with_parameters(
      cluster.name(), "    max_connections: 50\n    work_mem: 16MB\n    max_slot_wal_keep_size: 2GB\n"));
  auto planned = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(planned.out << planned.err);
  CHECK(planned.exit_code == 2);
  CHECK(planned.out.find("# pg_settings.master will be updated in place\n") != std::string::npos);
  CHECK(planned.out.find("~ max_slot_wal_keep_size = \"1GB\" -> \"2GB\"\n") != std::string::npos);
  CHECK(planned.out.find("~ work_mem               = \"8MB\" -> \"16MB\"\n") != std::string::npos);
  CHECK(planned.out.find("(restart)") == std::string::npos);
  CHECK(planned.out.find("restarts the server") == std::string::npos);

  auto changed = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(changed.out << changed.err);
  REQUIRE(changed.exit_code == 0);
  CHECK(changed.out.find("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.") != std::string::npos);
  {
    auto c = cluster.connect();
    CHECK(scalar(*c, "show work_mem") == "16MB");
    CHECK(scalar(*c, "show max_slot_wal_keep_size") == "2GB");
    CHECK(scalar(*c, kStartTime) == started);
  }
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a parameter read only at start is planned as a restart, and the server restarts with it",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("param-restart");
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  const std::string started = scalar(*cluster.connect(), kStartTime);

  cluster.write_spec(with_parameters(cluster.name(), "    max_connections: 60\n    work_mem: 8MB\n"));
  auto planned = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(planned.out << planned.err);
  CHECK(planned.exit_code == 2);
  CHECK(planned.out.find("# pg_settings.master will be updated in place (restart)\n") != std::string::npos);
  CHECK(planned.out.find("because max_connections is 50 on the server, the spec says 60") !=
        std::string::npos);
  CHECK(planned.out.find("~ max_connections = \"50\" -> \"60\" # restarts the server\n") !=
        std::string::npos);
  CHECK(planned.out.find("work_mem") == std::string::npos);

  auto changed = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(changed.out << changed.err);
  REQUIRE(changed.exit_code == 0);
  CHECK(changed.out.find("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.") != std::string::npos);
  {
    // A new connection: the old server, and its connections, are gone.
    auto c = cluster.connect();
    CHECK(scalar(*c, "show max_connections") == "60");
    CHECK(scalar(*c, "select pending_restart from pg_settings where name = 'max_connections'") == "f");
    CHECK(scalar(*c, kStartTime) != started);
    CHECK(scalar(*c, "show work_mem") == "8MB");
  }
  auto calm = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(calm.out << calm.err);
  CHECK(calm.exit_code == 0);
  CHECK(calm.out.find("No changes.") == 0);
}

TEST_CASE("parameters pgdecl sets itself are refused, located, before anything is made",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("param-owned");
  // Lines 19 to 22 of the spec; names ignore case.
  cluster.write_spec(with_parameters(cluster.name(),
                                     "    max_connections: 50\n    port: 5433\n    Listen_Addresses: \"*\"\n"
                                     "    primary_conninfo: host=elsewhere\n"));
  const std::vector<std::string> reported = {
      "spec.yaml:20:5: error: parameter 'port' is set by pgdecl (containers always listen on 5432; choose "
      "the "
      "host port with publish)\n",
      "spec.yaml:21:5: error: parameter 'listen_addresses' is set by pgdecl (replicas and published ports "
      "reach "
      "the server on the container's addresses)\n",
      "spec.yaml:22:5: error: parameter 'primary_conninfo' is set by pgdecl (each replica is pointed at the "
      "master by pgdecl)\n"};
  for (const std::string command : {"validate -f spec.yaml", "plan -f spec.yaml --detailed-exitcode",
                                    "apply -f spec.yaml --auto-approve"}) {
    auto refused = run_pgdecl(cluster.dir(), command);
    INFO(command << "\n" << refused.out << refused.err);
    CHECK(refused.exit_code == 1);
    for (const auto& line : reported) CHECK(refused.err.find(line) != std::string::npos);
    CHECK(refused.out.find("pgdecl will perform") == std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(cluster.dir() / ".pgdecl"));
  docker::Labels mine{{"pgdecl.cluster", cluster.name()}};
  CHECK(cluster.docker().list_containers(mine)->empty());
  CHECK(cluster.docker().list_networks(mine)->empty());
  CHECK(cluster.docker().list_volumes(mine)->empty());
}

TEST_CASE("a value left by ALTER SYSTEM is drift, even before it takes effect, and apply takes it out",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("param-altersys");
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  auto c = cluster.connect();
  const std::string started = scalar(*c, kStartTime);
  // Written to postgresql.auto.conf, not yet in force.
  REQUIRE(c->execute("alter system set work_mem = '1MB'"));
  REQUIRE(c->execute("alter system set max_connections = 70"));

  auto pending = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(pending.out << pending.err);
  CHECK(pending.exit_code == 2);
  CHECK(
      pending.out.find("ALTER SYSTEM set work_mem = 1MB in postgresql.auto.conf, which overrides the spec") !=
      std::string::npos);
  CHECK(pending.out.find("ALTER SYSTEM set max_connections = 70") != std::string::npos);

  // In force after a reload: the plan names the value the server runs.
  REQUIRE(c->execute("select pg_reload_conf()"));
  auto reloaded = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(reloaded.out << reloaded.err);
  CHECK(reloaded.out.find("work_mem is 1MB on the server, the spec says 8MB") != std::string::npos);

  auto repaired = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(repaired.out << repaired.err);
  REQUIRE(repaired.exit_code == 0);
  c = cluster.connect();
  CHECK(scalar(*c, "show work_mem") == "8MB");
  CHECK(scalar(*c, "select count(*) from pg_file_settings where sourcefile like '%postgresql.auto.conf'") ==
        "0");
  CHECK(scalar(*c, "select pending_restart from pg_settings where name = 'max_connections'") == "f");
  CHECK(scalar(*c, kStartTime) == started);  // 70 never took effect: no restart needed
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  // A later restart brings the spec's value, not the one ALTER SYSTEM left.
  REQUIRE(pgdecl::testing::run_command("docker restart " + cluster.name() + "-master").exit_code == 0);
  auto after_restart = pg::Connection::open_with_retry(
      {"127.0.0.1", cluster.published_port(), "postgres", "postgres"}, Secret(cluster.superuser_password()),
      pg::Clock::now() + std::chrono::seconds(60));
  REQUIRE(after_restart);
  CHECK(scalar(**after_restart, "show max_connections") == "50");
}
