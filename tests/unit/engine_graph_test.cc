#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

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

namespace {

// A label as Graphviz shows it: DOT itself unescapes only \" (Boost's
// reader does that), and a label's own escapes turn \\ into \ and \n into
// a line break.
std::string shown(const std::string& label) {
  std::string out;
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label[i] == '\\' && i + 1 < label.size() && (label[i + 1] == '\\' || label[i + 1] == 'n')) {
      out += label[++i] == 'n' ? '\n' : '\\';
    } else {
      out += label[i];
    }
  }
  return out;
}

// The labels of a DOT text as Boost's own reader finds them, as shown;
// throws when the text is not valid DOT.
std::set<std::string> labels_read_back(const std::string& dot) {
  using Read = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                     boost::property<boost::vertex_name_t, std::string>>;
  Read read;
  boost::dynamic_properties properties(boost::ignore_other_properties);
  properties.property("label", boost::get(boost::vertex_name, read));
  std::istringstream in(dot);
  REQUIRE(boost::read_graphviz(in, read, properties));
  std::set<std::string> labels;
  for (auto [it, end] = boost::vertices(read); it != end; ++it)
    labels.insert(shown(boost::get(boost::vertex_name, read, *it)));
  return labels;
}

}  // namespace

TEST_CASE("DOT labels are escaped: names with quotes and backslashes read back as written",
          "[engine][graph]") {
  const std::vector<Address> names = {
      {"pg_role", "we\"ird"},      {"pg_role", "back\\slash"}, {"pg_role", "ends\\"},
      {"pg_role", "\\\"both\\\""}, {"pg_database", "a b;c}"},  {"pg_role", "x\" ]; evil [label=\"y"},
      {"pg_role", "two\nlines"},
  };
  ResourceGraph graph;
  for (const Address& name : names) graph.add_dependency(name, a("docker_container.master"));
  std::string dot = graph.to_dot("de\"mo");
  INFO(dot);
  std::set<std::string> expected = {"docker_container.master"};
  for (const Address& name : names) expected.insert(name.to_string());
  CHECK(labels_read_back(dot) == expected);
}
