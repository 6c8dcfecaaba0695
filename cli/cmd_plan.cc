#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/app.h"
#include "cli/output.h"
#include "cli/plan_flow.h"
#include "engine/plan/render.h"
#include "state/state_file.h"

namespace pgdecl::cli {
namespace {

// A plan file names every object and attribute of the cluster: it is born
// 0600 and replaces any older file whole, so no reader ever sees half of
// one (or one that others could read).
Status save_plan_file(const Options& options, const engine::Plan& plan) {
  engine::PlanFile file{plan, std::filesystem::absolute(options.spec_file).string(),
                        sha256_of_file(options.spec_file)};
  auto temp = state::write_synced_temp(options.plan_out, engine::serialize_plan_file(file));
  if (!temp) return temp.status().with_context("cannot write plan file " + options.plan_out);
  return state::commit_temp(*temp, options.plan_out)
      .with_context("cannot write plan file " + options.plan_out);
}

}  // namespace

int command_plan(const Options& options) {
  auto planned = open_and_plan(options, false, Session::Access::kRead);
  if (!planned) return kExitError;
  if (options.json) {
    std::cout << engine::render_plan_json(planned->plan);
  } else {
    print_plan(planned->plan);
  }
  if (!options.plan_out.empty()) {
    if (auto s = save_plan_file(options, planned->plan); !s) {
      print_error(s.message());
      return kExitError;
    }
    if (!options.json)
      std::cout << "\nSaved the plan to " << options.plan_out << ": `pgdecl apply " << options.plan_out
                << "` applies exactly it.\n";
  }
  if (options.detailed_exitcode && planned->plan.has_changes()) return kExitChanges;
  return kExitOk;
}

}  // namespace pgdecl::cli
