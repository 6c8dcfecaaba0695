#include "state/state_file.h"

#include <catch2/catch.hpp>
#include <cctype>

#include "tests/unit/state_test_support.h"

namespace pgdecl::state {
namespace {

using testing::mode_of;
using testing::read_text;
using testing::TempDir;
using testing::write_text;

State sample_state() {
  State state = new_state("pgcluster");
  state.resources["pg_role.app"] = {
      "pg_role.app", "app", {{"login", "true"}, {"connection_limit", "20"}}, {"docker_container.master"}};
  state.resources["docker_network.pg_network"] = {
      "docker_network.pg_network", "4f2a9c", {{"subnet", "172.18.0.0/16"}}};
  return state;
}

// Checked by hand: std::regex trips a false GCC 12 warning in sanitizer builds.
bool is_uuid_v4(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    bool lower_hex = std::isxdigit(static_cast<unsigned char>(text[i])) &&
                     !std::isupper(static_cast<unsigned char>(text[i]));
    if (dash_position ? text[i] != '-' : !lower_hex) return false;
  }
  return text[14] == '4' && std::string("89ab").find(text[19]) != std::string::npos;
}

State read_back(const std::filesystem::path& file) {
  auto read = read_state(file);
  REQUIRE(read.status().to_string() == "OK");
  REQUIRE(read->has_value());
  return **read;
}

TEST_CASE("new_state draws a random RFC 4122 version 4 lineage", "[state]") {
  State first = new_state("pgcluster");
  State second = new_state("pgcluster");
  CHECK(is_uuid_v4(first.lineage));
  CHECK(first.lineage != second.lineage);
  CHECK(first.serial == 0);
  CHECK(first.cluster == "pgcluster");
}

TEST_CASE("read_state of a missing file is nothing, not an error", "[state]") {
  TempDir temp;
  auto read = read_state(temp.dir() / "absent.state.json");
  REQUIRE(read);
  CHECK_FALSE(read->has_value());
}

TEST_CASE("a written state reads back equal", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  State state = sample_state();
  REQUIRE(write_state(file, state));

  State back = read_back(file);
  CHECK(back.format_version == 1);
  CHECK(back.lineage == state.lineage);
  CHECK(back.serial == state.serial);
  CHECK(back.cluster == "pgcluster");
  REQUIRE(back.resources.size() == 2);
  const ResourceRecord& role = back.resources.at("pg_role.app");
  CHECK(role.address == "pg_role.app");
  CHECK(role.id == "app");
  CHECK(role.attributes == std::map<std::string, std::string>{{"login", "true"}, {"connection_limit", "20"}});
  CHECK(role.depends_on == std::vector<std::string>{"docker_container.master"});
  CHECK(back.resources.at("docker_network.pg_network").id == "4f2a9c");
}

TEST_CASE("the state file is pretty JSON in the documented order, resources sorted by address", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  State state = sample_state();
  REQUIRE(write_state(file, state));

  std::string text = read_text(file);
  CHECK(
      text.rfind("{\n  \"format_version\": 1,\n  \"lineage\": \"" + state.lineage + "\",\n  \"serial\": 1,\n",
                 0) == 0);
  CHECK(text.find("\"cluster\": \"pgcluster\"") != std::string::npos);
  CHECK(text.find("\"docker_network.pg_network\"") < text.find("\"pg_role.app\""));
  CHECK(text.back() == '\n');
}

TEST_CASE("every write increments the serial, in memory and on disk", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  State state = sample_state();
  REQUIRE(write_state(file, state));
  CHECK(state.serial == 1);
  REQUIRE(write_state(file, state));
  CHECK(state.serial == 2);
  CHECK(read_back(file).serial == 2);
}

TEST_CASE("FILE.backup holds the previous generation", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  auto backup = temp.dir() / "pgcluster.state.json.backup";
  State state = sample_state();
  REQUIRE(write_state(file, state));
  CHECK_FALSE(std::filesystem::exists(backup));  // no previous generation yet

  state.resources["pg_role.app"].attributes["connection_limit"] = "50";
  REQUIRE(write_state(file, state));
  State previous = read_back(backup);
  CHECK(previous.serial == 1);
  CHECK(previous.resources.at("pg_role.app").attributes.at("connection_limit") == "20");
  CHECK(read_back(file).resources.at("pg_role.app").attributes.at("connection_limit") == "50");

  REQUIRE(write_state(file, state));
  CHECK(read_back(backup).serial == 2);
}

TEST_CASE("a temp file left by a crash mid-write changes nothing", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  auto leftover = temp.dir() / "pgcluster.state.json.tmp";
  State state = sample_state();
  REQUIRE(write_state(file, state));
  write_text(leftover, "{\"format_version\": 1, \"lin");  // cut off mid-write

  CHECK(read_back(file).serial == 1);
  REQUIRE(write_state(file, state));
  CHECK(read_back(file).serial == 2);
  CHECK_FALSE(std::filesystem::exists(leftover));
}

TEST_CASE("a write that fails leaves the old file and the serial as they were", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  State state = sample_state();
  REQUIRE(write_state(file, state));
  std::string before = read_text(file);

  // A folder where the temp file must go makes the write fail even as root.
  std::filesystem::create_directories(temp.dir() / "pgcluster.state.json.tmp" / "blocker");
  state.resources.erase("pg_role.app");
  Status status = write_state(file, state);

  CHECK_FALSE(status);
  CHECK(status.message().find("pgcluster.state.json.tmp") != std::string::npos);
  CHECK(read_text(file) == before);
  CHECK(state.serial == 1);
}

TEST_CASE("a state file of another format version is refused and left byte for byte", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  const std::string newer = "{ \"format_version\": 7,\n\t\"shape\": [\"anything\"] }";
  write_text(file, newer);

  auto read = read_state(file);
  REQUIRE_FALSE(read);
  CHECK(read.status().message() ==
        "state file " + file.string() +
            " has format version 7; this pgdecl reads version 1 and will not touch it");

  State state = sample_state();
  CHECK_FALSE(write_state(file, state));
  CHECK(read_text(file) == newer);
  CHECK_FALSE(std::filesystem::exists(temp.dir() / "pgcluster.state.json.backup"));
}

TEST_CASE("corrupt JSON is an error naming the file and the position", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  write_text(file, "{\n  \"format_version\": 1,\n  \"lineage\": oops\n}\n");

  auto read = read_state(file);
  REQUIRE_FALSE(read);
  const std::string& message = read.status().message();
  CHECK(message.find("state file " + file.string() + " is not valid JSON") != std::string::npos);
  CHECK(message.find("line 3") != std::string::npos);
  CHECK(message.find("[json.exception") == std::string::npos);
}

TEST_CASE("valid JSON of the wrong shape is an error naming the file and the field", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.state.json";
  write_text(file, R"({"format_version":1,"lineage":"x","serial":3,"cluster":"c","resources":{}})");

  auto read = read_state(file);
  REQUIRE_FALSE(read);
  CHECK(read.status().message() ==
        "state file " + file.string() + " is malformed: \"resources\" must be an array");
}

TEST_CASE("the state file is 0600 in a .pgdecl folder created 0700", "[state]") {
  TempDir temp;
  auto folder = temp.dir() / "project" / ".pgdecl";
  auto file = folder / "pgcluster.state.json";
  State state = sample_state();
  REQUIRE(write_state(file, state));
  REQUIRE(write_state(file, state));

  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(folder / "pgcluster.state.json.backup") == 0600);
  CHECK(mode_of(folder) == 0700);
}

TEST_CASE("a .pgdecl folder an older version made 0755 is made 0700; a folder the user chose is left",
          "[state]") {
  TempDir temp;
  auto own = temp.dir() / "project" / ".pgdecl";
  std::filesystem::create_directories(own);
  std::filesystem::permissions(own, static_cast<std::filesystem::perms>(0755));
  State state = sample_state();
  REQUIRE(write_state(own / "pgcluster.state.json", state));
  CHECK(mode_of(own) == 0700);

  auto chosen = temp.dir() / "shared";
  std::filesystem::create_directories(chosen);
  std::filesystem::permissions(chosen, static_cast<std::filesystem::perms>(0755));
  REQUIRE(write_state(chosen / "pgcluster.state.json", state));
  CHECK(mode_of(chosen) == 0755);
}

}  // namespace
}  // namespace pgdecl::state
