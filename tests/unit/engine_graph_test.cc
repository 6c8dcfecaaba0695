#include <catch2/catch.hpp>

#include "engine/graph/resource_graph.h"

using pgdecl::Address;
using pgdecl::engine::ResourceGraph;

namespace {
Address a(const char* text) { return *Address::parse(text); }
}  // namespace

TEST_CASE("dependencies come before their dependents", "[engine][graph]") {
  ResourceGraph graph;
  graph.add_dependency(a("pg_hba.master"), a("docker_container.master"));
  graph.add_dependency(a("docker_container.master"), a("docker_network.net"));
  graph.add_dependency(a("docker_container.master"), a("docker_volume.data"));
  auto order = graph.topological_order();
  REQUIRE(order);
  std::vector<std::string> names;
  for (auto v : *order) names.push_back(graph.address(v).to_string());
  CHECK(names == std::vector<std::string>{"docker_network.net", "docker_volume.data",
                                          "docker_container.master", "pg_hba.master"});
}

TEST_CASE("a cycle is an error that names its path", "[engine][graph]") {
  ResourceGraph graph;
  graph.add_dependency(a("pg_role.a"), a("pg_role.b"));
  graph.add_dependency(a("pg_role.b"), a("pg_role.c"));
  graph.add_dependency(a("pg_role.c"), a("pg_role.a"));
  auto order = graph.topological_order();
  REQUIRE_FALSE(order);
  CHECK(order.status().message() == "dependency cycle: pg_role.a -> pg_role.b -> pg_role.c -> pg_role.a");
}

TEST_CASE("DOT output names every resource and edge", "[engine][graph]") {
  ResourceGraph graph;
  graph.add_dependency(a("docker_container.master"), a("docker_network.net"));
  std::string dot = graph.to_dot("demo");
  CHECK(dot.rfind("digraph \"demo\" {", 0) == 0);
  CHECK(dot.find("label=\"docker_container.master\"") != std::string::npos);
  CHECK(dot.find("label=\"docker_network.net\"") != std::string::npos);
  CHECK(dot.find("0->1") != std::string::npos);
}
