// Inputs the spec fuzzer once crashed on (tests/fuzz/regressions/), run
// through what `pgdecl validate` runs: the loader, then the resource graph.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cluster/desired/desired.h"
#include "cluster/spec/loader.h"
#include "engine/graph/resource_graph.h"

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void validate_like_the_cli(const std::string& text) {
  pgdecl::Diagnostics found;
  auto spec = pgdecl::spec::load_spec_text(text, "/nonexistent-pgdecl-fuzz/spec.yaml", found);
  CHECK(spec.has_value() != found.has_errors());
  if (!spec) return;
  pgdecl::engine::ResourceGraph graph;
  for (const auto& resource : pgdecl::engine::desired_resources(*spec)) {
    for (const auto& dependency : resource.depends_on) graph.add_dependency(resource.address, dependency);
  }
  if (graph.topological_order()) CHECK_FALSE(graph.to_dot(spec->name).empty());
}

}  // namespace

TEST_CASE("inputs the fuzzer crashed on are handled", "[spec][fuzz]") {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(PGDECL_SOURCE_DIR) / "tests" / "fuzz" / "regressions"))
    files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  CHECK_FALSE(files.empty());
  for (const auto& file : files) {
    INFO(file.filename().string());
    CHECK_NOTHROW(validate_like_the_cli(read_all(file)));
  }
}
