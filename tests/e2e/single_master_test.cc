#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::run_pgdecl;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;

TEST_CASE("apply, drift, repair and destroy a master through the CLI", "[e2e][docker][postgres]") {
  ClusterFixture cluster("single");
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  CHECK(applied.out.find("Apply complete! Resources: 6 added, 0 changed, 0 destroyed.") != std::string::npos);

  {
    auto c = cluster.connect();
    CHECK(scalar(*c, "show data_checksums") == "on");
    CHECK(scalar(*c, "show max_connections") == "50");
    CHECK(scalar(*c, "select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'postgres'") ==
          "t");
    REQUIRE(c->execute("create table kept (v text)"));
    REQUIRE(c->execute("insert into kept values ('written before the drift')"));
  }

  auto calm = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(calm.out << calm.err);
  CHECK(calm.exit_code == 0);
  CHECK(calm.out.find("No changes.") == 0);

  REQUIRE(cluster.docker().remove_container(cluster.name() + "-master", true));
  auto drift = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(drift.out << drift.err);
  CHECK(drift.exit_code == 2);
  CHECK(
      drift.out.find("# docker_container.master will be created\n  #   because it no longer exists (removed "
                     "outside pgdecl)") != std::string::npos);
  // Its config lives on in the volume: checked again once the server runs.
  CHECK(drift.out.find(
            "# pg_hba.master will be updated in place\n  #   because the server cannot be asked now") !=
        std::string::npos);

  auto repaired = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(repaired.out << repaired.err);
  REQUIRE(repaired.exit_code == 0);
  {
    auto c = cluster.connect();
    CHECK(scalar(*c, "select v from kept") == "written before the drift");
  }
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  auto destroyed = run_pgdecl(cluster.dir(), "destroy -f spec.yaml --auto-approve");
  INFO(destroyed.out << destroyed.err);
  REQUIRE(destroyed.exit_code == 0);
  CHECK(destroyed.out.find("docker_volume.data will no longer be managed") != std::string::npos);
  docker::Labels mine{{"pgdecl.cluster", cluster.name()}};
  CHECK(cluster.docker().list_containers(mine)->empty());
  CHECK(cluster.docker().list_networks(mine)->empty());
  CHECK(cluster.docker().list_volumes(mine)->size() == 1);  // the data is kept
}

TEST_CASE("the superuser's password shows nowhere: state, plans, logs, docker inspect",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("secrets");
  auto applied = run_pgdecl(cluster.dir(), "--log-level debug apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  const std::string password = cluster.superuser_password();
  REQUIRE(password.size() >= 40);
  auto plan_text = run_pgdecl(cluster.dir(), "--log-level trace plan -f spec.yaml");
  auto plan_json = run_pgdecl(cluster.dir(), "plan -f spec.yaml --json --out saved.plan");
  auto shown = run_pgdecl(cluster.dir(), "show -f spec.yaml --json");
  auto inspect = pgdecl::testing::run_command("docker inspect " + cluster.name() + "-master");
  REQUIRE(inspect.exit_code == 0);
  for (const std::string* text : {&applied.out, &applied.err, &plan_text.out, &plan_text.err, &plan_json.out,
                                  &shown.out, &inspect.out}) {
    CHECK(text->find(password) == std::string::npos);
  }
  CHECK(pgdecl::testing::slurp(cluster.dir() / "saved.plan").find(password) == std::string::npos);
  CHECK(pgdecl::testing::slurp(cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json")).find(password) ==
        std::string::npos);
  // The initial password file is gone from the container once initdb used it.
  auto staged = pgdecl::testing::run_command("docker exec " + cluster.name() + "-master ls /etc/pgdecl");
  CHECK(staged.exit_code == 0);
  CHECK(staged.out.find("init") == std::string::npos);
}

TEST_CASE(
    "an image built from a context: a changed context rebuilds it and replaces the container, data kept",
    "[e2e][docker][postgres]") {
  ClusterFixture cluster("build");
  const std::string tag = cluster.name() + "/postgres:15";
  std::filesystem::create_directories(cluster.dir() / "img");
  std::ofstream(cluster.dir() / "img" / "Dockerfile") << "FROM postgres:15\nLABEL pgdecl.test.revision=1\n";
  std::string spec = spec_text(cluster.name());
  spec.replace(spec.find("    tag: postgres:15\n    pull: never\n"), 36,
               "    tag: " + tag + "\n    build:\n      context: img\n");
  cluster.write_spec(spec);
  cluster.remove_image_at_end(tag);

  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  CHECK(applied.out.find("docker_image.postgres: done") != std::string::npos);
  auto first_build = cluster.docker().inspect_image(tag);
  REQUIRE(first_build);
  REQUIRE(first_build->has_value());
  cluster.remove_image_at_end((*first_build)->id);  // untagged once rebuilt
  REQUIRE(cluster.connect()->execute("create table kept as select 42 as v"));
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);

  std::ofstream(cluster.dir() / "img" / "Dockerfile") << "FROM postgres:15\nLABEL pgdecl.test.revision=2\n";
  auto drift = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(drift.out << drift.err);
  CHECK(drift.exit_code == 2);
  CHECK(drift.out.find("-/+ docker_image.postgres") != std::string::npos);
  CHECK(drift.out.find("because the build context changed") != std::string::npos);
  CHECK(drift.out.find("because docker_image.postgres is replaced") != std::string::npos);

  auto rebuilt = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(rebuilt.out << rebuilt.err);
  REQUIRE(rebuilt.exit_code == 0);
  auto image = cluster.docker().inspect_image(tag);
  REQUIRE(image);
  REQUIRE(image->has_value());
  CHECK((*image)->labels.at("pgdecl.test.revision") == "2");
  CHECK(scalar(*cluster.connect(), "select v from kept") == "42");
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a stopped master is started again, and its settings and hba follow the spec",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("stopped");
  REQUIRE(run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.docker().stop_container(cluster.name() + "-master", 30));
  auto drift = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(drift.out << drift.err);
  CHECK(drift.exit_code == 2);
  CHECK(drift.out.find("because the container is exited, not running") != std::string::npos);

  std::string spec = spec_text(cluster.name(), "    - host all all 10.0.0.0/8 scram-sha-256\n");
  spec.replace(spec.find("work_mem: 8MB"), 13, "work_mem: 16MB");
  cluster.write_spec(spec);
  auto repaired = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(repaired.out << repaired.err);
  REQUIRE(repaired.exit_code == 0);
  auto c = cluster.connect();
  CHECK(scalar(*c, "show work_mem") == "16MB");
  CHECK(scalar(*c, "select count(*) from pg_hba_file_rules where address = '10.0.0.0'") == "1");
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a paused master is unpaused, its data as it was", "[e2e][docker][postgres]") {
  ClusterFixture cluster("paused");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.connect()->execute("create table kept as select 'a row' as v"));
  REQUIRE(pgdecl::testing::run_command("docker pause " + cluster.name() + "-master").exit_code == 0);
  auto drift = cluster.run("plan -f spec.yaml --detailed-exitcode");
  CHECK(drift.exit_code == 2);
  CHECK(drift.out.find("because the container is paused, not running") != std::string::npos);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*cluster.connect(), "select v from kept") == "a row");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("a saved plan applies exactly, and a stale one is refused", "[e2e][docker][postgres]") {
  ClusterFixture cluster("planfile");
  auto saved = run_pgdecl(cluster.dir(), "plan -f spec.yaml --out first.plan");
  INFO(saved.out << saved.err);
  REQUIRE(saved.exit_code == 0);
  auto applied = run_pgdecl(cluster.dir(), "apply first.plan");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  // The same plan again: the state has moved on since it was made.
  auto stale = run_pgdecl(cluster.dir(), "apply first.plan");
  CHECK(stale.exit_code == 1);
  CHECK(stale.err.find("plan first.plan is stale: the state has changed since") != std::string::npos);

  // Same state, same actions, but steps tied together in a way the fresh
  // plan does not: the file promises the order and batches of its steps.
  REQUIRE(run_pgdecl(cluster.dir(), "plan -f spec.yaml --out ordered.plan").exit_code == 0);
  const auto ordered_file = std::filesystem::path(cluster.dir()) / "ordered.plan";
  nlohmann::json ordered = nlohmann::json::parse(std::ifstream(ordered_file));
  ordered["batches"].push_back({"pg_hba.master", "pg_settings.master"});
  std::ofstream(ordered_file) << ordered.dump(2);
  auto reordered = run_pgdecl(cluster.dir(), "apply ordered.plan");
  CHECK(reordered.exit_code == 1);
  CHECK(reordered.err.find("plan ordered.plan is stale: the live cluster now calls for another order of its "
                           "steps") != std::string::npos);

  // Same state, but the live cluster moved: the plan no longer fits it.
  REQUIRE(run_pgdecl(cluster.dir(), "plan -f spec.yaml --out calm.plan").exit_code == 0);
  REQUIRE(cluster.docker().remove_container(cluster.name() + "-master", true));
  auto moved = run_pgdecl(cluster.dir(), "apply calm.plan");
  CHECK(moved.exit_code == 1);
  CHECK(moved.err.find(
            "plan calm.plan is stale: docker_container.master was planned to no-op, the live cluster "
            "now calls for create") != std::string::npos);

  // And a changed spec makes any saved plan stale.
  REQUIRE(run_pgdecl(cluster.dir(), "plan -f spec.yaml --out repair.plan").exit_code == 0);
  cluster.write_spec(spec_text(cluster.name(), "    - host all all 10.9.0.0/16 scram-sha-256\n"));
  auto edited = run_pgdecl(cluster.dir(), "apply repair.plan");
  CHECK(edited.exit_code == 1);
  CHECK(edited.err.find("has changed since it was made") != std::string::npos);
}

TEST_CASE("a saved plan keeps its --target and --replace, and takes no new ones", "[e2e][docker][postgres]") {
  ClusterFixture cluster("planfile-target");
  cluster.write_spec(spec_text(cluster.name()) + "roles:\n  - name: first\n  - name: second\n");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  {
    auto c = cluster.connect();
    REQUIRE(c->execute("alter role first createdb"));
    REQUIRE(c->execute("alter role second createdb"));
  }
  auto saved = cluster.run("plan -f spec.yaml --target pg_role.first --out first.plan");
  REQUIRE(saved.exit_code == 0);
  CHECK(saved.out.find("Plan: 0 to add, 1 to change, 0 to destroy.") != std::string::npos);

  auto refused = cluster.run("apply first.plan --target pg_role.second");
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("does exactly what the saved plan says, with the --target and --replace it was made "
                         "with") != std::string::npos);

  auto applied = cluster.run("apply first.plan");
  REQUIRE(applied.exit_code == 0);
  CHECK(applied.out.find("Resources: 0 added, 1 changed, 0 destroyed.") != std::string::npos);
  auto c = cluster.connect();
  CHECK(scalar(*c, "select rolcreatedb from pg_roles where rolname = 'first'") == "f");
  CHECK(scalar(*c, "select rolcreatedb from pg_roles where rolname = 'second'") == "t");
}

TEST_CASE("a master moved to another volume says its data stays behind; moved back, it is all there",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("master-volume");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  REQUIRE(cluster.connect()->execute("create table kept as select 'a row' as v"));

  std::string moved = spec_text(cluster.name());
  moved.replace(moved.find("  data: {}\n"), 11, "  data: {}\n  data2: {}\n");
  moved.replace(moved.find("  volume: data\n"), 15, "  volume: data2\n");
  cluster.write_spec(moved);
  auto planned = cluster.run("plan -f spec.yaml");
  CHECK(planned.out.find("# docker_container.master must be replaced") != std::string::npos);
  CHECK(planned.out.find("the master serves the data in the new volume (initdb makes a new, empty cluster "
                         "when it holds none); the data in " +
                         cluster.name() + "-data stays there, not moved") != std::string::npos);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*cluster.connect(), "select count(*) from pg_tables where tablename = 'kept'") == "0");

  cluster.write_spec(spec_text(cluster.name()));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  CHECK(scalar(*cluster.connect(), "select v from kept") == "a row");
}

TEST_CASE("a broken spec is reported in full and nothing is touched", "[e2e]") {
  auto dir = std::filesystem::temp_directory_path() / ("pgdecl-e2e-broken-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "spec.yaml")
      << "version: 1\nname: e2e-broken\nnetwork: {name: n}\nimages: {pg: {tag: postgres:15}}\n"
         "volumes: {d: {}}\nmaster: {image: pg, volumne: d}\n";
  auto result = run_pgdecl(dir, "plan -f spec.yaml");
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("spec.yaml:6:") != std::string::npos);
  CHECK(result.err.find("(did you mean 'volume'?)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / ".pgdecl"));
  std::filesystem::remove_all(dir);
}
