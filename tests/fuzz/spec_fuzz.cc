// libFuzzer target: any bytes, as the text of a spec, through what
// `pgdecl validate` runs (the loader with every check, then the resource
// graph and its order), and `pgdecl graph`'s DOT. Built only with
// -DPGDECL_FUZZ=ON by clang (scripts/fuzz.sh).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cluster/desired/desired.h"
#include "cluster/spec/loader.h"
#include "engine/graph/resource_graph.h"

namespace {

// The loader's promise: a spec exactly when no error was reported.
void check_loaded(const std::optional<pgdecl::spec::ClusterSpec>& spec, const pgdecl::Diagnostics& found) {
  if (spec.has_value() == found.has_errors()) std::abort();
  for (const auto& diagnostic : found.all()) {
    if (diagnostic.message.empty()) std::abort();
  }
}

void run_graph(const pgdecl::spec::ClusterSpec& spec) {
  pgdecl::engine::ResourceGraph graph;
  auto desired = pgdecl::engine::desired_resources(spec);
  for (const auto& resource : desired) graph.add(resource.address);
  for (const auto& resource : desired) {
    for (const auto& dependency : resource.depends_on) graph.add_dependency(resource.address, dependency);
  }
  if (graph.topological_order()) (void)graph.to_dot(spec.name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pgdecl::Diagnostics found;
  // A folder that does not exist: `file:` secrets resolve under it and are
  // only looked at, never read.
  auto spec = pgdecl::spec::load_spec_text(text, "/nonexistent-pgdecl-fuzz/spec.yaml", found);
  check_loaded(spec, found);
  (void)found.to_string();
  if (spec) run_graph(*spec);
  return 0;
}
