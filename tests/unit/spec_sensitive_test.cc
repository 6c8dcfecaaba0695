// What `pgdecl validate` prints must never show a value written under a
// password key, however wrongly it is shaped, and password files are
// checked without being read.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cluster/spec/loader.h"

namespace fs = std::filesystem;
using pgdecl::Diagnostic;
using pgdecl::Diagnostics;

namespace {

const std::string kPlanted = "Pl4nted-S3cret";

const std::string kHead = R"(version: 1
name: demo
images: { postgres: { tag: postgres:15 } }
volumes: { data: {} }
)";

std::string spec_with_password(const std::string& password) {
  return kHead + "master:\n  image: postgres\n  volume: data\n  superuser:\n    password: " + password +
         "\nroles:\n  - name: app\n    password: " + password + "\n";
}

// What validate prints for the spec: every diagnostic, one a line.
std::string validate_output(const std::string& text, bool& valid) {
  Diagnostics diagnostics;
  valid = pgdecl::spec::load_spec_text(text, "/tmp/sensitive-test.yaml", diagnostics).has_value();
  return diagnostics.to_string();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("pgdecl-secret-file-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<Diagnostic> load_file(const fs::path& spec, const std::string& text) {
  std::ofstream(spec) << text;
  Diagnostics diagnostics;
  pgdecl::spec::load_spec_file(spec, diagnostics);
  return diagnostics.all();
}

}  // namespace

TEST_CASE("a password in any wrong shape is never echoed by validate", "[spec]") {
  const std::vector<std::string> shapes = {
      "\"" + kPlanted + "\\n\"",               // inline, with a line break
      "\"" + kPlanted + "\\u0007\"",           // inline, with a control character
      "{" + kPlanted + "}",                    // a map whose key is the password
      "{ " + kPlanted + ": x }",               // an unknown source
      "{ env: \"" + kPlanted + "!\" }",        // the password where a variable name goes
      "{ generate: " + kPlanted + " }",        // where true goes
      "{ file: \"" + kPlanted + "\" }",        // where a path goes, and no such file
      "{ file: { " + kPlanted + ": 1 } }",     // where a path goes, as a map
      "{ generate: [" + kPlanted + "] }",      // a list where true goes
      "{ env: [" + kPlanted + "], file: x }",  // two sources
      "[" + kPlanted + "]",                    // a list
      "{ env: { " + kPlanted + ": " + kPlanted + " } }",
  };
  for (const std::string& shape : shapes) {
    bool valid = true;
    std::string output = validate_output(spec_with_password(shape), valid);
    INFO("password: " << shape << "\n" << output);
    CHECK_FALSE(valid);
    CHECK_FALSE(output.empty());
    CHECK(output.find(kPlanted) == std::string::npos);
    CHECK(output.find("Pl4nted") == std::string::npos);
  }
}

TEST_CASE("values elsewhere are still shown, so other mistakes stay easy to find", "[spec]") {
  bool valid = true;
  std::string output = validate_output(
      kHead + "master:\n  image: postgres\n  volume: [data]\n" + "roles:\n  - name: app\n    login: maybe\n",
      valid);
  CHECK_FALSE(valid);
  CHECK(output.find("got 'maybe'") != std::string::npos);
}

TEST_CASE("a password file is checked to be a readable regular file, without being read", "[spec]") {
  TempDir dir;
  const std::string spec_text = kHead + "master:\n  image: postgres\n  volume: data\n" +
                                "roles:\n  - name: app\n    password: { file: app.password }\n";
  const fs::path spec = dir.path / "spec.yaml";

  SECTION("missing: an error at the path") {
    auto found = load_file(spec, spec_text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].to_string() ==
          spec.string() + ":10:23: error: the password file does not exist or cannot be reached");
  }
  SECTION("a folder: an error") {
    fs::create_directory(dir.path / "app.password");
    auto found = load_file(spec, spec_text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].to_string() == spec.string() + ":10:23: error: the password file is not a regular file");
  }
  SECTION("owner-only: valid, no warning") {
    std::ofstream(dir.path / "app.password") << kPlanted << "\n";
    fs::permissions(dir.path / "app.password", fs::perms::owner_read | fs::perms::owner_write);
    CHECK(load_file(spec, spec_text).empty());
  }
  SECTION("readable by others: valid, with a warning that does not show the content") {
    std::ofstream(dir.path / "app.password") << kPlanted << "\n";
    fs::permissions(dir.path / "app.password", fs::perms::owner_read | fs::perms::owner_write |
                                                   fs::perms::group_read | fs::perms::others_read);
    auto found = load_file(spec, spec_text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Diagnostic::Severity::kWarning);
    CHECK(found[0].to_string() == spec.string() +
                                      ":10:23: warning: the password file can be read or written by other "
                                      "users than its owner (chmod 600 it)");
    CHECK(found[0].to_string().find(kPlanted) == std::string::npos);
  }
}
