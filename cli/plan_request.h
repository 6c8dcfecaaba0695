#pragma once

#include "cluster/spec/model.h"
#include "engine/plan/planner.h"
#include "state/state_file.h"

namespace pgdecl::cli {

struct Options;

// What the planner is asked for one run: the spec's resources (none on
// destroy), everything the state knows with its recorded edges, the
// cluster's plan rules, and --target and --replace as addresses. An
// address that does not parse, or a resource type no provider in
// `providers` manages, is an error naming it. `spec` must outlive the
// request (its rules refer to it).
Result<engine::PlanRequest> plan_request(const spec::ClusterSpec& spec, const state::State& state,
                                         const engine::ProviderRegistry& providers, const Options& options,
                                         bool destroy);

}  // namespace pgdecl::cli
