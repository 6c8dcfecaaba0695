#include <catch2/catch.hpp>
#include <filesystem>

#include "cli/state_recorder.h"
#include "engine/plan/planner.h"
#include "tests/support/fake_provider.h"

using namespace pgdecl;
using namespace pgdecl::engine;
using pgdecl::testing::FakeProvider;
using pgdecl::testing::FakeWorld;

TEST_CASE("after an injected failure the state file holds every step done before it",
          "[engine][apply][state]") {
  auto dir = std::filesystem::temp_directory_path() / "pgdecl-fault-state-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "t.state.json";

  FakeWorld world;
  world.fail_apply.insert("docker_container.master");
  ProviderRegistry providers;
  for (const char* type : {"docker_network", "docker_volume", "docker_container", "pg_hba"}) {
    providers.add(std::make_unique<FakeProvider>(type, world));
  }
  PlanRequest request;
  request.cluster = "t";
  request.desired = {
      {*Address::parse("docker_network.net"), {{"name", "t-net"}}, {}},
      {*Address::parse("docker_volume.data"), {{"name", "t-data"}}, {}},
      {*Address::parse("docker_container.master"),
       {{"image", "postgres:15"}},
       {*Address::parse("docker_network.net"), *Address::parse("docker_volume.data")}},
      {*Address::parse("pg_hba.master"), {{"rules", "x"}}, {*Address::parse("docker_container.master")}},
  };
  auto plan = make_plan(request, providers);
  REQUIRE(plan);

  state::State state = state::new_state("t");
  pgdecl::cli::FileStateRecorder recorder(state, file);
  auto report = apply_plan(*plan, providers, recorder, {2, {}, {}});
  REQUIRE_FALSE(report.ok());

  auto on_disk = state::read_state(file);
  REQUIRE(on_disk);
  REQUIRE(on_disk->has_value());
  const auto& resources = (*on_disk)->resources;
  CHECK(resources.count("docker_network.net") == 1);
  CHECK(resources.count("docker_volume.data") == 1);
  CHECK(resources.count("docker_container.master") == 0);
  CHECK(resources.count("pg_hba.master") == 0);
  CHECK(resources.at("docker_network.net").attributes.at("name") == "t-net");
  CHECK((*on_disk)->serial == 3);  // one write per finished step, the failed one too
  std::filesystem::remove_all(dir);
}
