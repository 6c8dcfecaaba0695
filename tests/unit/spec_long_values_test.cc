// Values far longer than any valid one are refused, not matched: the
// pattern matcher recurses once per character and a 200,000-character value
// used to overflow the stack of `pgdecl validate`.
#include <catch2/catch.hpp>
#include <string>

#include "cluster/spec/loader.h"

namespace {

bool loads(const std::string& text, std::string& diagnostics) {
  pgdecl::Diagnostics found;
  bool ok = pgdecl::spec::load_spec_text(text, "/tmp/long-values-test.yaml", found).has_value();
  diagnostics = found.to_string();
  return ok;
}

std::string spec_with(const std::string& cluster, const std::string& network, const std::string& tag,
                      const std::string& extra) {
  return "version: 1\nname: " + cluster + "\nnetwork: { name: " + network +
         " }\nimages: { postgres: { tag: " + tag +
         " } }\nvolumes: { data: {} }\nmaster:\n  image: postgres\n  volume: data\n" + extra;
}

}  // namespace

TEST_CASE("values of 200,000 characters are refused without overflowing the stack", "[spec]") {
  const std::string huge(200000, 'a');
  const std::string digits(200000, '7');
  std::string diagnostics;
  SECTION("a network name") { CHECK_FALSE(loads(spec_with("demo", huge, "postgres:15", ""), diagnostics)); }
  SECTION("a cluster name") { CHECK_FALSE(loads(spec_with(huge, "net", "postgres:15", ""), diagnostics)); }
  SECTION("an image tag") {
    CHECK_FALSE(loads(spec_with("demo", "net", huge, ""), diagnostics));
    CHECK_FALSE(loads(spec_with("demo", "net", "postgres:" + huge, ""), diagnostics));
  }
  SECTION("a valid_until and an environment variable name") {
    CHECK_FALSE(loads(spec_with("demo", "net", "postgres:15",
                                "roles:\n  - name: app\n    valid_until: \"2030-01-01" + digits +
                                    "\"\n    password: { env: " + huge + "- }\n"),
                      diagnostics));
  }
  SECTION("a parameter: a long number stays text") {
    CHECK(loads(spec_with("demo", "net", "postgres:15", "  parameters:\n    work_mem: " + digits + "\n"),
                diagnostics));
  }
  SECTION("a parameter name") {
    CHECK_FALSE(loads(spec_with("demo", "net", "postgres:15", "  parameters:\n    " + huge + "-x: 1\n"),
                      diagnostics));
  }
}
