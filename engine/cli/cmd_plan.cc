#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/cli/app.h"
#include "engine/cli/output.h"
#include "engine/cli/plan_flow.h"
#include "engine/plan/render.h"

namespace pgdecl::cli {
namespace {

Status save_plan_file(const Options& options, const engine::Plan& plan) {
  engine::PlanFile file{plan, std::filesystem::absolute(options.spec_file).string(),
                        sha256_of_file(options.spec_file)};
  std::ofstream out(options.plan_out, std::ios::trunc);
  out << engine::serialize_plan_file(file);
  out.close();
  if (!out) return Status::failed("cannot write plan file " + options.plan_out);
  return Status::ok();
}

}  // namespace

int command_plan(const Options& options) {
  auto planned = open_and_plan(options, false);
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
