#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>

#include "state/secrets_file.h"
#include "state/state_file.h"
#include "tests/unit/state_test_support.h"

namespace pgdecl::state {
namespace {

using testing::mode_of;
using testing::read_text;
using testing::TempDir;
using testing::write_text;

// 32 bytes make 43 characters; checked by hand because std::regex trips a
// false GCC 12 warning in sanitizer builds.
bool is_unpadded_base64url_of_32_bytes(const std::string& text) {
  return text.size() == 43 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

SecretsFile open_ok(const std::filesystem::path& file) {
  auto store = SecretsFile::open(file);
  REQUIRE(store.status().to_string() == "OK");
  return std::move(store).value();
}

TEST_CASE("secrets round-trip through a 0600 file in a 0700 folder", "[state]") {
  TempDir temp;
  auto folder = temp.dir() / ".pgdecl";
  auto file = folder / "pgcluster.secrets.json";
  SecretsFile store = open_ok(file);  // missing: an empty store
  CHECK_FALSE(store.get("pg_role.postgres").has_value());

  store.put("pg_role.postgres", Secret("s3cr3t-\"quoted\"-\xc3\xa9"));
  store.put("pg_role.replicator", Secret("other"));
  REQUIRE(store.save());
  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(folder) == 0700);

  SecretsFile back = open_ok(file);
  REQUIRE(back.get("pg_role.postgres").has_value());
  CHECK(back.get("pg_role.postgres")->reveal() == "s3cr3t-\"quoted\"-\xc3\xa9");
  CHECK(back.get("pg_role.replicator")->reveal() == "other");
  CHECK_FALSE(back.get("pg_role.app").has_value());
  CHECK(read_text(file).rfind("{\n  \"format_version\": 1,\n  \"secrets\": {", 0) == 0);
}

TEST_CASE("a saved secrets file is 0600 whatever the umask", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.secrets.json";
  SecretsFile store = open_ok(file);
  store.put("k", Secret("v"));

  mode_t previous = ::umask(0);
  Status first = store.save();
  Status second = store.save();  // replacing an existing file
  ::umask(previous);

  REQUIRE(first);
  REQUIRE(second);
  CHECK(mode_of(file) == 0600);
  CHECK_FALSE(std::filesystem::exists(temp.dir() / "pgcluster.secrets.json.tmp"));
}

TEST_CASE("a secrets file readable by group or others is refused", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.secrets.json";
  write_text(file, R"({"format_version":1,"secrets":{"k":"v"}})");

  std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0644));
  auto open = SecretsFile::open(file);
  REQUIRE_FALSE(open);
  CHECK(open.status().message() == "secrets file " + file.string() +
                                       " has mode 0644; it must be 0600 (chmod 600 " + file.string() + ")");

  std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0604));
  CHECK_FALSE(SecretsFile::open(file));

  std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0600));
  CHECK(SecretsFile::open(file));
}

// Tests run as root, so the file is handed to another uid rather than made
// by one.
TEST_CASE("a secrets file owned by another user is refused, whatever its mode", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.secrets.json";
  write_text(file, R"({"format_version":1,"secrets":{"k":"v"}})");
  std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0600));
  REQUIRE(::chown(file.c_str(), ::geteuid() + 1000, static_cast<gid_t>(-1)) == 0);

  auto open = SecretsFile::open(file);
  REQUIRE_FALSE(open);
  CHECK(open.status().message() == "secrets file " + file.string() + " belongs to uid " +
                                       std::to_string(::geteuid() + 1000) +
                                       ", not to the user running pgdecl (uid " +
                                       std::to_string(::geteuid()) + "); pgdecl reads only its own secrets");

  REQUIRE(::chown(file.c_str(), ::geteuid(), static_cast<gid_t>(-1)) == 0);
  CHECK(SecretsFile::open(file));
}

TEST_CASE("a corrupt secrets file is an error that does not quote its contents", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.secrets.json";
  write_text(file, R"({"format_version":1,"secrets":{"k": hunter2}})");
  std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0600));

  auto open = SecretsFile::open(file);
  REQUIRE_FALSE(open);
  CHECK(open.status().message().find("secrets file " + file.string() + " is not valid JSON") !=
        std::string::npos);
  CHECK(open.status().message().find("hunter") == std::string::npos);
}

TEST_CASE("a secrets file of another format version is refused", "[state]") {
  TempDir temp;
  auto file = temp.dir() / "pgcluster.secrets.json";
  write_text(file, R"({"format_version":2,"secrets":{"k":"v"}})");
  std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0600));

  auto open = SecretsFile::open(file);
  REQUIRE_FALSE(open);
  CHECK(open.status().message().find("has format version 2") != std::string::npos);
}

TEST_CASE("generated passwords are long, base64url and different every time", "[state]") {
  Secret first = SecretsFile::generate_password();
  Secret second = SecretsFile::generate_password();
  CHECK(is_unpadded_base64url_of_32_bytes(first.reveal()));
  CHECK(is_unpadded_base64url_of_32_bytes(second.reveal()));
  CHECK(first.reveal().size() >= 40);
  CHECK_FALSE(first == second);
}

TEST_CASE("the state file never holds a value kept in the secrets file", "[state]") {
  TempDir temp;
  auto state_file = temp.dir() / "pgcluster.state.json";
  auto secrets_file = temp.dir() / "pgcluster.secrets.json";
  Secret password = SecretsFile::generate_password();

  SecretsFile secrets = open_ok(secrets_file);
  secrets.put("pg_role.app", password);
  REQUIRE(secrets.save());
  State state = new_state("pgcluster");
  state.resources["pg_role.app"] = {"pg_role.app", "app", {{"login", "true"}, {"password", "managed"}}};
  REQUIRE(write_state(state_file, state));
  REQUIRE(write_state(state_file, state));

  CHECK(read_text(secrets_file).find(password.reveal()) != std::string::npos);
  for (const char* suffix : {"", ".backup"}) {
    std::filesystem::path file = state_file;
    file += suffix;
    CHECK(read_text(file).find(password.reveal()) == std::string::npos);
  }
}

}  // namespace
}  // namespace pgdecl::state
