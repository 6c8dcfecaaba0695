#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/address.h"
#include "engine/core/result.h"

namespace pgdecl::engine {

// The dependency graph of resources. An edge from A to B means B depends on
// A (A comes first when creating, last when destroying). The only code that
// sees Boost.Graph.
class ResourceGraph {
 public:
  ResourceGraph();
  ~ResourceGraph();
  ResourceGraph(ResourceGraph&&) noexcept;
  ResourceGraph& operator=(ResourceGraph&&) noexcept;

  // Adding an address twice is harmless; returns its index.
  std::size_t add(const Address& address);
  // `dependent` depends on `dependency`; both are added if new.
  void add_dependency(const Address& dependent, const Address& dependency);

  std::size_t size() const;
  const Address& address(std::size_t index) const;
  std::optional<std::size_t> index_of(const Address& address) const;
  std::vector<std::size_t> dependencies(std::size_t index) const;
  std::vector<std::size_t> dependents(std::size_t index) const;

  // Dependencies before dependents; ties in order of insertion. A cycle is
  // an error naming it: "dependency cycle: a -> b -> a".
  Result<std::vector<std::size_t>> topological_order() const;

  // Graphviz DOT, for `pgdecl graph`.
  std::string to_dot(const std::string& graph_name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgdecl::engine
