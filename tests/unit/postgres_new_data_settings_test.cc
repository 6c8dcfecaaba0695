// A master on new data starts with its settings at their defaults: the
// plan lists every value the spec sets that differs, and one read only at
// start makes the change a restart.
#include <catch2/catch.hpp>

#include "providers/postgres/config/settings_live.h"

using namespace pgdecl;
using engine::ChangeKind;

namespace {

engine::LiveResource old_server() {
  engine::LiveResource live{"settings", {{"max_connections", "50"}, {"work_mem", "8MB"}}};
  pg::SettingsFacts facts;
  auto& max_connections = facts.parameters["max_connections"];
  max_connections.fallback = "100";
  max_connections.context = "postmaster";
  max_connections.vartype = "integer";
  auto& work_mem = facts.parameters["work_mem"];
  work_mem.fallback = "4MB";
  work_mem.context = "user";
  work_mem.vartype = "integer";
  work_mem.unit = "kB";
  auto& application_name = facts.parameters["application_name"];
  application_name.context = "user";
  application_name.vartype = "string";
  engine::set_details(live, facts);
  return live;
}

}  // namespace

TEST_CASE("settings written into new data list each value off its default, restarting for start-only ones",
          "[unit]") {
  engine::PlannedChange change;
  change.action = engine::Action::kUpdate;
  change.before = old_server();
  change.after = engine::DesiredResource{
      *Address::parse("pg_settings.master"),
      {{"max_connections", "50"}, {"work_mem", "4096kB"}, {"application_name", "reports"}},
      {}};
  pg::add_new_data_settings(change);

  CHECK(change.restart);
  REQUIRE(change.changes.size() == 2);
  CHECK(change.changes[0].name == "application_name");
  CHECK(change.changes[0].kind == ChangeKind::kUpdateInPlace);
  CHECK(change.changes[1].name == "max_connections");
  CHECK(change.changes[1].before == std::optional<std::string>("100"));
  CHECK(change.changes[1].after == std::optional<std::string>("50"));
  CHECK(change.changes[1].kind == ChangeKind::kRestart);
}

TEST_CASE("settings written into new data at their defaults need no restart", "[unit]") {
  engine::PlannedChange change;
  change.action = engine::Action::kUpdate;
  change.before = old_server();
  change.after =
      engine::DesiredResource{*Address::parse("pg_settings.master"), {{"max_connections", "100"}}, {}};
  pg::add_new_data_settings(change);
  CHECK_FALSE(change.restart);
  CHECK(change.changes.empty());
}
