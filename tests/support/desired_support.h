#pragma once

// For tests of what a spec asks for: its desired resources by address, and
// whether one waits for another.

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "cluster/desired/desired.h"
#include "cluster/spec/loader.h"

namespace pgdecl::testing {

inline std::map<Address, engine::DesiredResource> desired_by_address(const char* spec_text) {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_text(spec_text, "/tmp/desired-test.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec);
  std::map<Address, engine::DesiredResource> out;
  for (auto& resource : engine::desired_resources(*spec)) out[resource.address] = resource;
  return out;
}

inline bool depends(const engine::DesiredResource& resource, const char* address) {
  auto wanted = *Address::parse(address);
  return std::find(resource.depends_on.begin(), resource.depends_on.end(), wanted) !=
         resource.depends_on.end();
}

}  // namespace pgdecl::testing
