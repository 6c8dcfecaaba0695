#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/app.h"
#include "cli/output.h"
#include "cli/plan_flow.h"
#include "engine/plan/render.h"

namespace pgdecl::cli {
namespace {

Result<engine::PlanFile> read_plan_file(const std::string& name) {
  std::ifstream in(name);
  if (!in) return Status::not_found("cannot read plan file " + name);
  std::ostringstream text;
  text << in.rdbuf();
  return engine::parse_plan_file(text.str(), name);
}

// A saved plan is applied only to the world it was made for: the same spec,
// the same state, and live objects that still call for the same actions.
Status check_not_stale(const engine::PlanFile& saved, const engine::Plan& fresh, const std::string& name) {
  const auto& old_plan = saved.plan;
  bool fresh_state = old_plan.state_serial == 0 && fresh.state_serial == 0;
  if (!fresh_state && (old_plan.lineage != fresh.lineage || old_plan.state_serial != fresh.state_serial)) {
    return Status::conflict("plan " + name + " is stale: the state has changed since (serial " +
                            std::to_string(old_plan.state_serial) + " then, " +
                            std::to_string(fresh.state_serial) + " now); run pgdecl plan again");
  }
  // Both ways: a change the saved plan lacks would be done unasked, and one
  // only the file names (an edited file) would be done for no reason.
  auto actions = [](const engine::Plan& plan) {
    std::map<std::string, engine::Action> by_address;
    for (const auto& change : plan.changes) {
      if (change.is_change()) by_address[change.address.to_string()] = change.action;
    }
    return by_address;
  };
  const auto planned = actions(old_plan), now = actions(fresh);
  auto action_in = [](const std::map<std::string, engine::Action>& by_address, const std::string& address) {
    auto found = by_address.find(address);
    return found == by_address.end() ? engine::Action::kNoOp : found->second;
  };
  std::set<std::string> addresses;
  for (const auto& [address, action] : planned) addresses.insert(address);
  for (const auto& [address, action] : now) addresses.insert(address);
  for (const auto& address : addresses) {
    const engine::Action then = action_in(planned, address), current = action_in(now, address);
    if (current == then) continue;
    return Status::conflict("plan " + name + " is stale: " + address + " was planned to " +
                            engine::json_name(then) + ", the live cluster now calls for " +
                            engine::json_name(current) + "; run pgdecl plan again");
  }
  // What ties the steps together is part of what the file promises: the
  // order they take (which node restarts first) and what is done as one.
  if (old_plan.dependencies != fresh.dependencies || old_plan.order != fresh.order ||
      old_plan.batches != fresh.batches) {
    return Status::conflict(
        "plan " + name +
        " is stale: the live cluster now calls for another order of its steps; run pgdecl "
        "plan again");
  }
  return Status::ok();
}

int apply_saved_plan(Options options) {
  auto saved = read_plan_file(options.plan_in);
  if (!saved) {
    print_error(saved.status().message());
    return kExitError;
  }
  // What becomes of volumes was decided when the plan was made.
  if (options.purge_volumes && !saved->plan.purge_volumes) {
    print_error("plan " + options.plan_in +
                " was made without --purge-volumes, and apply PLANFILE does only what the plan says; run "
                "pgdecl plan --purge-volumes --out " +
                options.plan_in + " again");
    return kExitError;
  }
  if (!options.targets.empty() || !options.replace.empty()) {
    print_error("apply " + options.plan_in +
                " does exactly what the saved plan says, with the --target and --replace it was made with; "
                "give them to pgdecl plan --out instead");
    return kExitError;
  }
  options.purge_volumes = saved->plan.purge_volumes;
  options.targets = saved->plan.targets;
  options.replace = saved->plan.replace;
  options.spec_file = saved->spec_path;
  if (sha256_of_file(options.spec_file) != saved->spec_sha256) {
    print_error("plan " + options.plan_in + " is stale: the spec " + options.spec_file +
                " has changed since it was made; run pgdecl plan again");
    return kExitError;
  }
  auto planned = open_and_plan(options, saved->plan.destroy, Session::Access::kChange);
  if (!planned) return kExitError;
  if (auto s = check_not_stale(*saved, planned->plan, options.plan_in); !s) {
    print_error(s.message());
    return kExitError;
  }
  // The file said what to do, and the fresh plan was found to say the
  // same; the fresh one is carried out, so that every object acted on is
  // one the spec, the state and the live read name now: an edited plan
  // file cannot aim pgdecl at anything else (another volume's name, say).
  return apply_and_report(*planned->session, planned->plan, options);
}

}  // namespace

int command_apply(const Options& options) {
  if (!options.plan_in.empty()) return apply_saved_plan(options);
  auto planned = open_and_plan(options, false, Session::Access::kChange);
  if (!planned) return kExitError;
  print_plan(planned->plan);
  if (!planned->plan.has_changes()) return kExitOk;
  if (!options.auto_approve) {
    if (!stdin_is_terminal()) {
      print_error("apply asks for confirmation, and there is no terminal to ask on: pass --auto-approve");
      return kExitError;
    }
    if (!confirm("\nDo you want to perform these actions?")) {
      std::cout << "\nApply cancelled.\n";
      return kExitError;
    }
  }
  std::cout << "\n";
  return apply_and_report(*planned->session, planned->plan, options);
}

int command_destroy(const Options& options) {
  auto planned = open_and_plan(options, true, Session::Access::kChange);
  if (!planned) return kExitError;
  print_plan(planned->plan);
  if (!planned->plan.has_changes()) return kExitOk;
  if (!options.auto_approve) {
    if (!stdin_is_terminal()) {
      print_error("destroy asks for confirmation, and there is no terminal to ask on: pass --auto-approve");
      return kExitError;
    }
    if (!confirm("\nDo you really want to destroy cluster " + planned->plan.cluster + "?")) {
      std::cout << "\nDestroy cancelled.\n";
      return kExitError;
    }
  }
  std::cout << "\n";
  return apply_and_report(*planned->session, planned->plan, options);
}

}  // namespace pgdecl::cli
