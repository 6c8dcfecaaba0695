// The settings provider over a recording fake server: a reloadable value
// is written and reloaded, never restarted for; one the server reads only
// at start is planned as a restart.
#include <catch2/catch.hpp>

#include "providers/postgres/config/config_providers.h"
#include "tests/support/fake_node_world.h"

using namespace pgdecl;
using pgdecl::engine::Action;
using pgdecl::engine::ChangeKind;
using pgdecl::pg::testing::FakeNodeWorld;
using pgdecl::pg::testing::FakeServer;

namespace {

const char* kSpec = R"(version: 1
name: settings
network: { name: net }
images: { postgres: { tag: "postgres:15" } }
volumes: { data: {} }
master:
  image: postgres
  volume: data
  parameters: { work_mem: 8MB, shared_buffers: 128MB }
)";

// One row of the provider's settings read: name, known, shown value,
// pg_settings.setting, type, unit, context, min, max, choices, ALTER
// SYSTEM's value, pgdecl.conf's value, pending restart, postgresql.conf's
// value, built-in default.
pg::Row setting(const char* name, const char* shown, const char* raw, const char* type, const char* unit,
                const char* context, const char* in_file) {
  return {name, "t", shown,        raw,     type, unit,         context, "",
          "",   "",  std::nullopt, in_file, "f",  std::nullopt, raw};
}

// The server as pgdecl left it, but for work_mem and shared_buffers, which
// run (and pgdecl.conf holds) the values given.
std::vector<pg::Row> server_settings(const char* work_mem, const char* shared_buffers) {
  return {setting("listen_addresses", "*", "*", "string", "", "postmaster", "*"),
          setting("port", "5432", "5432", "integer", "", "postmaster", "5432"),
          setting("cluster_name", "master", "master", "string", "", "postmaster", "master"),
          setting("max_slot_wal_keep_size", "1GB", "1024", "integer", "MB", "sighup", "1GB"),
          setting("work_mem", work_mem, work_mem, "integer", "kB", "user", work_mem),
          setting("shared_buffers", shared_buffers, shared_buffers, "integer", "8kB", "postmaster",
                  shared_buffers)};
}

}  // namespace

TEST_CASE("a reloadable setting that drifted is written back and reloaded, without a restart",
          "[unit][pg-fake]") {
  FakeNodeWorld world(kSpec);
  FakeServer& master = world.add("master");
  world.start();
  // shared_buffers runs the spec's 128MB: only work_mem's 4MB is drift.
  master.answer("WITH file AS", server_settings("4MB", "128MB"));
  master.answer("pg_read_file('pgdecl.conf'", {{"work_mem = '4MB'\n"}});
  auto settings = pg::make_settings_provider(world.context());
  const Address address{resource_type::kSettings, "master"};

  const auto change = world.read_and_plan(*settings, address);
  CHECK(change.action == Action::kUpdate);
  CHECK_FALSE(change.restart);
  REQUIRE(change.changes.size() == 1);
  CHECK(change.changes[0].name == "work_mem");
  CHECK(change.changes[0].kind == ChangeKind::kUpdateInPlace);

  auto outcome = settings->apply(change);
  INFO(outcome.status.message());
  CHECK(outcome.status);
  // Checked against the catalog, written whole under another name and
  // renamed into place, then reloaded: never a restart (no Docker call
  // but reads).
  const auto written = master.statements_with("TO PROGRAM");
  REQUIRE(written.size() == 1);
  CHECK(written[0].find("pgdecl.conf.pgdecl-new && mv -f pgdecl.conf.pgdecl-new pgdecl.conf") !=
        std::string::npos);
  const auto statements = master.statements();
  const auto write_at = std::find(statements.begin(), statements.end(), written[0]);
  const auto reload_at = std::find(statements.begin(), statements.end(), "SELECT pg_reload_conf()");
  CHECK(reload_at != statements.end());
  CHECK(write_at < reload_at);
  CHECK(world.docker().only_reads());
}

TEST_CASE("a setting the server reads only at start is planned as a restart", "[unit][pg-fake]") {
  FakeNodeWorld world(kSpec);
  FakeServer& master = world.add("master");
  world.start();
  master.answer("WITH file AS", server_settings("8MB", "64MB"));
  auto settings = pg::make_settings_provider(world.context());
  const Address address{resource_type::kSettings, "master"};
  const auto change = world.read_and_plan(*settings, address);
  CHECK(change.action == Action::kUpdate);
  CHECK(change.restart);
  REQUIRE(change.changes.size() == 1);
  CHECK(change.changes[0].name == "shared_buffers");
  CHECK(change.changes[0].kind == ChangeKind::kRestart);
  CHECK(master.statements_with("pg_reload_conf").empty());  // a plan changes nothing
}
