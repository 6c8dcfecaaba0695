#pragma once

#include <memory>
#include <string>

#include "cli/options.h"
#include "cli/session.h"
#include "engine/model/plan.h"

namespace pgdecl::cli {

// The steps plan, apply and destroy share: load the spec, open a session,
// refresh and plan. Errors are printed; nullptr/nullopt means exit 1.
struct Planned {
  std::unique_ptr<Session> session;
  engine::Plan plan;
};
std::optional<Planned> open_and_plan(const Options& options, bool destroy, Session::Access access);

// Prints the plan for people (text) to stdout.
void print_plan(const engine::Plan& plan);

// Applies, printing progress; returns the exit code.
int apply_and_report(Session& session, const engine::Plan& plan, const Options& options);

std::string sha256_of_file(const std::string& file);

}  // namespace pgdecl::cli
