#include "engine/graph/resource_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <map>
#include <set>
#include <sstream>

namespace pgdecl::engine {
namespace {

// Edges run from a dependent to what it depends on, so a path reads the
// way users say it: "container depends on network".
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
using Vertex = Graph::vertex_descriptor;

// Records the vertices on the current DFS path; a back edge closes a cycle.
class CycleFinder : public boost::default_dfs_visitor {
 public:
  CycleFinder(std::vector<Vertex>& path, std::vector<Vertex>& cycle) : path_(path), cycle_(cycle) {}
  void discover_vertex(Vertex v, const Graph&) { path_.push_back(v); }
  void finish_vertex(Vertex, const Graph&) { path_.pop_back(); }
  void back_edge(Graph::edge_descriptor e, const Graph& g) {
    if (!cycle_.empty()) return;
    Vertex target = boost::target(e, g);
    auto start = std::find(path_.begin(), path_.end(), target);
    cycle_.assign(start, path_.end());
    cycle_.push_back(target);
  }

 private:
  std::vector<Vertex>& path_;
  std::vector<Vertex>& cycle_;
};

// A DOT ID for any text: role names may hold quotes and backslashes
// (`we"ird`). Boost quotes the text and escapes its quotes; a backslash is
// doubled first, or one at the end would escape the closing quote. Line
// breaks are written as DOT's own escape so every statement stays on its
// line.
std::string dot_string(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  std::string id = boost::escape_dot_string(escaped);
  // escape_dot_string leaves plain IDs bare; every label is quoted, alike.
  return id.front() == '"' ? id : "\"" + id + "\"";
}

}  // namespace

struct ResourceGraph::Impl {
  Graph graph;
  std::vector<Address> addresses;
  std::map<Address, std::size_t> index;
};

ResourceGraph::ResourceGraph() : impl_(std::make_unique<Impl>()) {}
ResourceGraph::~ResourceGraph() = default;
ResourceGraph::ResourceGraph(ResourceGraph&&) noexcept = default;
ResourceGraph& ResourceGraph::operator=(ResourceGraph&&) noexcept = default;

std::size_t ResourceGraph::add(const Address& address) {
  auto found = impl_->index.find(address);
  if (found != impl_->index.end()) return found->second;
  std::size_t v = boost::add_vertex(impl_->graph);
  impl_->addresses.push_back(address);
  impl_->index.emplace(address, v);
  return v;
}

void ResourceGraph::add_dependency(const Address& dependent, const Address& dependency) {
  auto from = add(dependent);
  auto to = add(dependency);
  if (!boost::edge(from, to, impl_->graph).second) boost::add_edge(from, to, impl_->graph);
}

std::size_t ResourceGraph::size() const { return impl_->addresses.size(); }
const Address& ResourceGraph::address(std::size_t index) const { return impl_->addresses.at(index); }

std::optional<std::size_t> ResourceGraph::index_of(const Address& address) const {
  auto found = impl_->index.find(address);
  if (found == impl_->index.end()) return std::nullopt;
  return found->second;
}

std::vector<std::size_t> ResourceGraph::dependencies(std::size_t index) const {
  std::vector<std::size_t> out;
  for (auto [it, end] = boost::out_edges(index, impl_->graph); it != end; ++it) {
    out.push_back(boost::target(*it, impl_->graph));
  }
  return out;
}

std::vector<std::size_t> ResourceGraph::dependents(std::size_t index) const {
  std::vector<std::size_t> out;
  for (auto [it, end] = boost::in_edges(index, impl_->graph); it != end; ++it) {
    out.push_back(boost::source(*it, impl_->graph));
  }
  return out;
}

Result<std::vector<std::size_t>> ResourceGraph::topological_order() const {
  std::vector<Vertex> path, cycle;
  CycleFinder finder(path, cycle);
  std::vector<boost::default_color_type> colors(size());
  auto color_map =
      boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, impl_->graph));
  for (std::size_t v = 0; v < size() && cycle.empty(); ++v) {
    if (colors[v] == boost::white_color) boost::depth_first_visit(impl_->graph, v, finder, color_map);
  }
  if (!cycle.empty()) {
    std::string text = "dependency cycle: ";
    for (std::size_t i = 0; i < cycle.size(); ++i) text += (i ? " -> " : "") + address(cycle[i]).to_string();
    return Status::invalid_argument(text);
  }

  // Kahn's algorithm, always taking the earliest-added ready vertex, so the
  // order is stable from run to run.
  std::vector<std::size_t> waiting(size());
  std::set<std::size_t> ready;
  for (std::size_t v = 0; v < size(); ++v) {
    waiting[v] = boost::out_degree(v, impl_->graph);
    if (waiting[v] == 0) ready.insert(v);
  }
  std::vector<std::size_t> order;
  while (!ready.empty()) {
    std::size_t v = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(v);
    for (auto dependent : dependents(v)) {
      if (--waiting[dependent] == 0) ready.insert(dependent);
    }
  }
  return order;
}

std::string ResourceGraph::to_dot(const std::string& graph_name) const {
  std::ostringstream out;
  auto label = [this](std::ostream& os, Vertex v) {
    os << "[label=" << dot_string(address(v).to_string()) << "]";
  };
  boost::write_graphviz(out, impl_->graph, label, boost::default_writer(), boost::default_writer());
  std::string dot = out.str();
  // write_graphviz names the graph nothing; give it the cluster's name.
  if (dot.rfind("digraph G {", 0) == 0) dot.replace(0, 11, "digraph " + dot_string(graph_name) + " {");
  return dot;
}

}  // namespace pgdecl::engine
