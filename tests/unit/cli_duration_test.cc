// apply --timeout: durations written as Terraform and Go write them.

#include <catch2/catch.hpp>

#include "cli/duration.h"

using pgdecl::cli::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("a duration is numbers each with a unit: h, m or s", "[unit]") {
  CHECK(*parse_duration("90s") == 90s);
  CHECK(*parse_duration("2m") == 120s);
  CHECK(*parse_duration("1m30s") == 90s);
  CHECK(*parse_duration("1h") == 3600s);
  CHECK(*parse_duration("1s") == 1s);
  CHECK(*parse_duration("24h") == 86400s);
  CHECK(pgdecl::cli::kDefaultTimeout == 120s);
}

TEST_CASE("what is not a duration says what is expected", "[unit]") {
  const std::string expected =
      "not a duration: write numbers each with a unit (h, m or s), e.g. 90s, 2m or 1m30s";
  // A bare number (seconds? minutes?), units it does not know, "ms" (not
  // minutes), signs and fractions.
  for (const char* text : {"", "30", "5x", "5ms", "s", "m5", "-5s", "1.5m", "5 s", "1m30", "9999999s"}) {
    INFO(text);
    auto parsed = parse_duration(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.status().message() == expected);
  }
  CHECK(parse_duration("0s").status().message() == "must be at least 1s");
  CHECK(parse_duration("25h").status().message() == "must be at most 24h");
}

TEST_CASE("--lock-timeout takes 0s: do not wait", "[unit]") {
  CHECK(*parse_duration("0s", /*zero_allowed=*/true) == 0s);
  CHECK(*parse_duration("30s", /*zero_allowed=*/true) == 30s);
  CHECK_FALSE(parse_duration("0", /*zero_allowed=*/true));
}
