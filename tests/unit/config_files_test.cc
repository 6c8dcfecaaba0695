// The files pgdecl renders for a node, and how pgdecl.conf on the server is
// compared with the spec's.
#include <catch2/catch.hpp>
#include <set>

#include "cluster/plan_rules/restart_order.h"
#include "cluster/render/postgres_config.h"
#include "cluster/spec/loader.h"
#include "providers/postgres/config/settings_live.h"

using namespace pgdecl;

namespace {

spec::ClusterSpec load(const char* text) {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_text(text, "/tmp/config-files-test.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec);
  return *spec;
}

constexpr const char* kSpec = R"(version: 1
name: files
network: { name: net }
images: { postgres: { tag: postgres:15 } }
volumes: { data: {}, r1: {} }
master:
  name: master
  image: postgres
  volume: data
  superuser: { name: admin, password: { generate: true } }
  parameters: { work_mem: 8MB, max_connections: 50 }
  hba:
    - hostnossl all all 127.0.0.1/32 reject
    - host appdb app samenet scram-sha-256
replicas:
  - { name: replica1, volume: r1 }
replication: { user: replicator }
roles:
  - { name: replicator, login: true, replication: true, password: { generate: true } }
)";

// A server's settings as read: `running` name -> value as SHOW and
// pg_settings have it, `on_disk` what pgdecl.conf sets now.
pg::NodeSettings node_settings(const std::map<std::string, std::string>& running,
                               const std::map<std::string, std::string>& on_disk,
                               const std::set<std::string>& pending = {}) {
  pg::NodeSettings now;
  for (const auto& [name, value] : running) {
    const bool memory = name == "work_mem";
    pg::ServerSetting s;
    s.display = value;
    s.definition.vartype = memory ? "integer" : name == "max_connections" ? "integer" : "string";
    s.definition.unit = memory ? "kB" : "";
    s.context = name == "max_connections" || name == "port" ? "postmaster" : "user";
    s.canonical = pg::canonical_setting(memory && value == "8MB" ? "8192" : value, s.definition.vartype,
                                        s.definition.unit)
                      .value_or(value);
    s.pending_restart = pending.count(name) > 0;
    s.fallback = name == "max_connections" ? "100" : name == "statement_timeout" ? "0ms" : "";
    now.server[name] = s;
  }
  now.pgdecl_conf = on_disk;
  return now;
}

engine::PlannedChange drift_of(const pg::NodeSettings& now, const std::map<std::string, std::string>& file) {
  engine::PlannedChange change;
  change.address = {resource_type::kSettings, "master"};
  pg::add_file_drift(change, file, pg::settings_to_live(now, {{"work_mem", "8MB"}}));
  return change;
}

}  // namespace

TEST_CASE("pg_hba.conf: pgdecl's own rules first, then the spec's lines in the order given", "[unit]") {
  const auto spec = load(kSpec);
  const std::string hba = engine::render_hba(spec, spec.master);
  const std::vector<std::string> in_order = {"local all all peer\n", "host all admin all scram-sha-256\n",
                                             "host replication replicator samenet scram-sha-256\n",
                                             "hostnossl all all 127.0.0.1/32 reject\n",
                                             "host appdb app samenet scram-sha-256\n"};
  std::size_t at = 0;
  for (const auto& line : in_order) {
    INFO(hba);
    auto found = hba.find(line, at);
    REQUIRE(found != std::string::npos);
    at = found + line.size();
  }
  // A new node starts on pgdecl's rules alone.
  CHECK(engine::render_own_hba_rules(spec).find("reject") == std::string::npos);
}

TEST_CASE("a rendered settings file reads back as the server would: unquoted, the last of a name winning",
          "[unit]") {
  auto settings = engine::settings_in_file(
      "# Managed by pgdecl\nport = 5432\nsearch_path = '\"$user\", it''s'\nMax_Connections = '50'\n"
      "log_line_prefix = 'a\\\\b '\n"
      "max_connections = '60'\n\n");
  CHECK(settings == std::map<std::string, std::string>{{"port", "5432"},
                                                       {"search_path", "\"$user\", it's"},
                                                       {"max_connections", "60"},
                                                       {"log_line_prefix", "a\\b "}});
  // What is written reads back as it was.
  const std::string odd = "it's a \\ and a ''";
  CHECK(engine::settings_in_file("x = " + engine::quote_conf_value(odd) + "\n").at("x") == odd);

  const auto spec = load(kSpec);
  auto master = engine::settings_in_file(engine::render_settings_file(spec, spec.master));
  CHECK(master.at("cluster_name") == "master");
  CHECK(master.at("work_mem") == "8MB");
  CHECK(master.at("max_slot_wal_keep_size") == "1GB");
  CHECK_FALSE(master.count("primary_conninfo"));
  auto replica = engine::settings_in_file(engine::render_settings_file(spec, spec.replicas.at(0)));
  CHECK(replica.at("cluster_name") == "replica1");
  CHECK(replica.at("primary_slot_name") == "pgdecl_replica1");
  CHECK(replica.at("work_mem") == "8MB");  // a replica takes the master's parameters
}

TEST_CASE("pgdecl.conf on the server is compared with the spec's, beyond the values the server runs",
          "[unit]") {
  const std::map<std::string, std::string> file = {
      {"port", "5432"}, {"work_mem", "8MB"}, {"max_connections", "50"}};
  const std::map<std::string, std::string> running = {
      {"port", "5432"}, {"work_mem", "8MB"}, {"max_connections", "50"}};

  SECTION("as rendered, or spelt differently with the same value: nothing") {
    CHECK_FALSE(drift_of(node_settings(running, file), file).is_change());
    auto spelt = file;
    spelt["work_mem"] = "8192kB";
    CHECK_FALSE(drift_of(node_settings(running, spelt), file).is_change());
  }

  SECTION("a value edited on disk, waiting for a restart: an update that needs none") {
    auto edited = file;
    edited["max_connections"] = "70";
    auto change = drift_of(node_settings(running, edited, {"max_connections"}), file);
    CHECK(change.action == engine::Action::kUpdate);
    CHECK_FALSE(change.restart);
    REQUIRE(change.changes.size() == 1);
    CHECK(change.changes[0].before == "70");
    CHECK(change.changes[0].after == "50");
    CHECK(change.reasons ==
          std::vector<std::string>{"pgdecl.conf on the server sets max_connections = 70, "
                                   "pgdecl sets it to 50 (the server runs 50 until it restarts)"});
  }

  SECTION("a line the spec does not have goes, restarting the server when it is read at start") {
    auto extra = file;
    extra["statement_timeout"] = "5s";
    auto with_timeout = running;
    with_timeout["statement_timeout"] = "5s";
    auto reloadable = drift_of(node_settings(with_timeout, extra), file);
    REQUIRE(reloadable.changes.size() == 1);
    CHECK(reloadable.changes[0].name == "statement_timeout");
    CHECK(reloadable.changes[0].after == "0ms");
    CHECK_FALSE(reloadable.restart);

    auto without = file;
    without.erase("max_connections");
    auto restart = drift_of(node_settings(running, file), without);
    REQUIRE(restart.changes.size() == 1);
    CHECK(restart.changes[0].name == "max_connections");
    CHECK(restart.changes[0].after == "100");
    CHECK(restart.changes[0].kind == engine::ChangeKind::kRestart);
    CHECK(restart.restart);
    CHECK(restart.reasons.at(0) ==
          "pgdecl.conf on the server sets max_connections = 50, which the spec does not set: it goes back to "
          "100");

    // A line that never took effect goes without a restart: the server
    // still runs the value it falls back to.
    auto pending = file;
    pending["max_connections"] = "70";
    auto quiet = drift_of(node_settings({{"port", "5432"}, {"work_mem", "8MB"}, {"max_connections", "100"}},
                                        pending, {"max_connections"}),
                          without);
    REQUIRE(quiet.changes.size() == 1);
    CHECK_FALSE(quiet.restart);
  }

  SECTION("a missing file: one reason, every line planned") {
    auto change = drift_of(node_settings(running, {}), file);
    CHECK(change.reasons == std::vector<std::string>{"pgdecl.conf on the server is missing or sets nothing"});
    CHECK(change.changes.size() == 3);
    CHECK_FALSE(change.restart);  // the server still runs every value
  }
}

TEST_CASE("a standby minimum taken out of the spec restarts the master first", "[unit]") {
  engine::PlannedChange master;
  master.changes.push_back({"max_connections", "200", std::nullopt, engine::ChangeKind::kRestart});
  CHECK(engine::lowers_standby_minimum(master));
  master.changes = {{"work_mem", "8MB", std::nullopt, engine::ChangeKind::kUpdateInPlace}};
  CHECK_FALSE(engine::lowers_standby_minimum(master));
}
