#include <iostream>

#include "cli/app.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"
#include "cluster/desired/desired.h"
#include "engine/graph/resource_graph.h"

namespace pgdecl::cli {
namespace {

engine::ResourceGraph graph_of(const spec::ClusterSpec& spec) {
  engine::ResourceGraph graph;
  auto desired = engine::desired_resources(spec);
  for (const auto& resource : desired) graph.add(resource.address);
  for (const auto& resource : desired) {
    for (const auto& dependency : resource.depends_on) graph.add_dependency(resource.address, dependency);
  }
  return graph;
}

}  // namespace

int command_validate(const Options& options) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec) return kExitError;
  auto order = graph_of(*spec).topological_order();
  if (!order) {
    print_error(options.spec_file + ": " + order.status().message());
    return kExitError;
  }
  std::cout << "The spec " << options.spec_file << " is valid (cluster " << spec->name << ", "
            << 1 + spec->replicas.size() << " node(s)).\n";
  return kExitOk;
}

int command_graph(const Options& options) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec) return kExitError;
  auto graph = graph_of(*spec);
  if (auto order = graph.topological_order(); !order) {
    print_error(options.spec_file + ": " + order.status().message());
    return kExitError;
  }
  std::cout << graph.to_dot(spec->name);
  return kExitOk;
}

}  // namespace pgdecl::cli
