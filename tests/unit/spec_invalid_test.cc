// Every file in specs/invalid/ is a malformed spec that says, in its first
// comment lines, exactly which errors it must produce:
//   # expect: <line>:<col>: error: <message>
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cluster/spec/loader.h"

namespace fs = std::filesystem;

namespace {

const std::string kExpect = "# expect: ";

std::vector<fs::path> invalid_fixtures() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(PGDECL_SOURCE_DIR) / "specs" / "invalid")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The full diagnostic lines a fixture promises, file name included.
std::vector<std::string> expected_errors(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line) && line.rfind(kExpect, 0) == 0) {
    out.push_back(file.string() + ":" + line.substr(kExpect.size()));
  }
  return out;
}

std::vector<std::string> produced_errors(const pgdecl::Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.all()) {
    if (d.severity == pgdecl::Diagnostic::Severity::kError) out.push_back(d.to_string());
  }
  return out;
}

}  // namespace

TEST_CASE("specs/invalid holds enough fixtures, each with expectations", "[spec]") {
  auto files = invalid_fixtures();
  CHECK(files.size() >= 28);
  for (const auto& file : files) {
    INFO(file.string());
    CHECK_FALSE(expected_errors(file).empty());
  }
}

TEST_CASE("each invalid spec reports exactly the errors it expects, and no spec", "[spec]") {
  for (const auto& file : invalid_fixtures()) {
    INFO(file.filename().string());
    pgdecl::Diagnostics diagnostics;
    auto spec = pgdecl::spec::load_spec_file(file, diagnostics);
    CHECK_FALSE(spec.has_value());
    CHECK(produced_errors(diagnostics) == expected_errors(file));
  }
}
