#include <catch2/catch.hpp>

#include "cluster/render/postgres_config.h"
#include "providers/postgres/config/setting_value.h"

using pgdecl::pg::canonical_setting;

TEST_CASE("memory values compare in bytes whatever the unit they are written in",
          "[postgres][settings][unit]") {
  // shared_buffers: pg_settings shows 16384 in units of 8kB for 128MB.
  CHECK(canonical_setting("128MB", "integer", "8kB") == canonical_setting("16384", "integer", "8kB"));
  CHECK(canonical_setting("1GB", "integer", "kB") == canonical_setting("1048576", "integer", "kB"));
  CHECK(canonical_setting("1GB", "integer", "kB") == canonical_setting("1024MB", "integer", "kB"));
  CHECK(canonical_setting("1GB", "integer", "kB") != canonical_setting("1000MB", "integer", "kB"));
}

TEST_CASE("time values compare in microseconds", "[postgres][settings][unit]") {
  CHECK(canonical_setting("1s", "integer", "ms") == canonical_setting("1000", "integer", "ms"));
  CHECK(canonical_setting("5min", "integer", "s") == canonical_setting("300", "integer", "s"));
  CHECK(canonical_setting("500ms", "integer", "ms") != canonical_setting("1000", "integer", "ms"));
}

TEST_CASE("booleans and enums have one spelling; bad values are refused", "[postgres][settings][unit]") {
  CHECK(canonical_setting("true", "bool", "") == "on");
  CHECK(canonical_setting("Off", "bool", "") == "off");
  CHECK_FALSE(canonical_setting("maybe", "bool", ""));
  CHECK(canonical_setting("Replica", "enum", "") == "replica");
  CHECK_FALSE(canonical_setting("1s", "integer", "kB"));  // a time for a memory setting
  CHECK_FALSE(canonical_setting("lots", "integer", "kB"));
}

TEST_CASE("config rendering quotes values and names safely", "[postgres][settings][unit]") {
  CHECK(pgdecl::engine::quote_conf_value("it's") == "'it''s'");
  CHECK(pgdecl::engine::quote_shell("a'b") == "'a'\\''b'");
}
