#pragma once

#include <string>

#include "engine/core/result.h"
#include "engine/model/plan.h"

namespace pgdecl::engine {

struct RenderOptions {
  bool color = false;  // only on a terminal, and never with NO_COLOR
};

// Terraform-familiar text: one block per change with its reasons, then
// "Plan: A to add, C to change, D to destroy."
std::string render_plan_text(const Plan& plan, const RenderOptions& options);

// The objects a destroy leaves as not this cluster's (Plan::not_ours), a
// line each under a heading; empty when there are none.
std::string render_not_ours(const Plan& plan);
// "Warning: ..." lines, one per plan.warnings entry.
std::string render_warnings(const Plan& plan);

// The shape of Terraform's JSON plan: format_version, resource_changes[]
// with address, type, name, change.actions/before/after.
std::string render_plan_json(const Plan& plan);

// The plan file `apply PLANFILE` reads: everything needed to apply exactly
// this plan, and to notice that it has gone stale.
struct PlanFile {
  Plan plan;
  std::string spec_path;    // absolute
  std::string spec_sha256;  // of the spec's text when planned
};
std::string serialize_plan_file(const PlanFile& file);
Result<PlanFile> parse_plan_file(const std::string& text, const std::string& name_for_errors);

}  // namespace pgdecl::engine
