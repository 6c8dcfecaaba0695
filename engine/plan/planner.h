#pragma once

#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/model/plan.h"
#include "engine/plan/plan_rule.h"
#include "engine/provider/provider.h"

namespace pgdecl::engine {

// A resource the state knows of, with what it depended on when made, so a
// resource that left the spec is still destroyed in the right order.
struct PriorResource {
  Address address;
  std::vector<Address> depends_on;
  bool recorded = false;       // the state holds it (it was made or seen before)
  Attributes attributes = {};  // what the state recorded of it
};

struct PlanRequest {
  std::string cluster;
  std::string lineage;
  std::int64_t state_serial = 0;
  std::vector<DesiredResource> desired;  // empty when destroying
  std::vector<PriorResource> prior;
  bool destroy = false;
  std::vector<Address> targets;  // empty: everything
  std::vector<Address> replace;  // forced replacements
  std::vector<PlanRule> rules;   // the domain's, run in order
};

// Refresh (read every resource), diff, refine by the rules, and check that
// the steps have an order. Reads only.
Result<Plan> make_plan(const PlanRequest& request, const ProviderRegistry& providers);

}  // namespace pgdecl::engine
