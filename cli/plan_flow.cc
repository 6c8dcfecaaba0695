#include "cli/plan_flow.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "cli/app.h"
#include "cli/output.h"
#include "cli/state_recorder.h"
#include "engine/apply/applier.h"
#include "engine/core/interrupt.h"
#include "engine/plan/render.h"
#include "engine/plan/step_order.h"
#include "providers/postgres/session/connection.h"

namespace pgdecl::cli {

std::optional<Planned> open_and_plan(const Options& options, bool destroy, Session::Access access) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec) return std::nullopt;
  const auto opening = std::chrono::steady_clock::now();
  auto session = Session::open(*spec, options, access);
  if (!session) {
    print_error(session.status().message());
    return std::nullopt;
  }
  const auto start = std::chrono::steady_clock::now();
  spdlog::debug("session opened in {:.1f} ms",
                std::chrono::duration<double, std::milli>(start - opening).count());
  auto plan = (*session)->make_plan(options, destroy);
  if (!plan) {
    print_error(plan.status().message());
    return std::nullopt;
  }
  // What a refresh cost: the figures the benchmarks read.
  spdlog::debug(
      "refresh: {} resources in {:.1f} ms, {} Docker API requests, {} PostgreSQL connections, {} SQL round "
      "trips",
      plan->changes.size(),
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      (*session)->docker_requests(), pg::Connection::connections_opened(), pg::Connection::round_trips());
  return Planned{std::move(*session), std::move(*plan)};
}

void print_plan(const engine::Plan& plan) {
  std::cout << engine::render_plan_text(plan, {stdout_wants_color()}) << std::flush;
}

namespace {

bool moves_primary(const engine::Plan& plan) {
  return std::any_of(plan.changes.begin(), plan.changes.end(), [](const engine::PlannedChange& change) {
    return change.address.type == resource_type::kPrimary && change.action == engine::Action::kUpdate;
  });
}

// After a switchover, the state is brought to the new roles without a
// step: what the cluster holds that the plan wants as it is (the slots made
// on the new primary) is recorded, with the edges of the new roles;
// what only the old roles explained and is gone (the new primary's slot
// and copy) leaves the state. Both leave the plan.
Status record_new_roles(Session& session, engine::Plan& plan, engine::StateRecorder& recorder) {
  for (auto& change : plan.changes) {
    const std::string address = change.address.to_string();
    if (change.action == engine::Action::kForget && !change.before) {
      if (auto s = recorder.record(change.address, std::nullopt, {}); !s) return s;
      change.action = engine::Action::kNoOp;
      continue;
    }
    if (change.is_change() || !change.before) continue;
    // Recorded already: its edges are brought to the new roles.
    auto record = session.state().resources.find(address);
    std::vector<std::string> depends_on;
    if (auto found = plan.dependencies.find(address); found != plan.dependencies.end()) {
      for (const auto& dependency : found->second) {
        if (!engine::is_gate_address(dependency, session.providers())) depends_on.push_back(dependency);
      }
    }
    if (record != session.state().resources.end() && record->second.depends_on == depends_on) continue;
    if (auto s = recorder.record(change.address, change.before, depends_on); !s) return s;
  }
  return Status::ok();
}

int report_health_unconfirmed() {
  std::cerr << "Interrupted: every step was applied and recorded, but the cluster's health was not "
               "confirmed; pgdecl status shows it.\n";
  return kExitInterrupted;
}

}  // namespace

int apply_and_report(Session& session, const engine::Plan& plan, const Options& options) {
  if (auto s = session.save_secrets(); !s) {
    print_error(s.message());
    return kExitError;
  }
  FileStateRecorder recorder(session.state(), session.paths().state);
  std::mutex print_mutex;
  engine::ApplyOptions apply_options{options.parallelism,
                                     [&](const std::string& line) {
                                       std::lock_guard lock(print_mutex);
                                       std::cout << line << "\n" << std::flush;
                                     },
                                     interrupt_requested};
  // From here on an interrupt stops the run between steps, never inside one.
  install_interrupt_handlers();
  auto report = engine::apply_plan(plan, session.providers(), recorder, apply_options);
  auto summary = plan.summary();
  if (!report.ok()) {
    for (const auto& failure : report.failures) print_error(failure);
    for (const auto& skipped : report.skipped) std::cerr << "  skipped: " << skipped << "\n";
    for (const auto& left : report.not_started) std::cerr << "  not started: " << left << "\n";
    std::cerr << "The state records every step that completed (" << session.paths().state.string() << ").\n";
    if (report.interrupted()) {
      std::cerr << "Interrupted after " << report.done << " step(s); run pgdecl apply again to finish.\n";
      return kExitInterrupted;
    }
    return kExitError;
  }
  // After the primary moved (a switchover or a failover) the cluster is
  // read again with its new roles: what
  // only the old ones explained leaves the state (the new primary's copy
  // and slot), what the switchover made is recorded (the slots on the new
  // primary), and anything else the spec still asks for is applied.
  if (moves_primary(plan)) {
    std::cout << "\nThe primary is now " << session.spec().primary().name
              << ": the cluster is read again with its new roles.\n";
    auto again = session.make_plan(options, false);
    Status recorded = again ? record_new_roles(session, *again, recorder) : again.status();
    if (!recorded) {
      print_error("the switchover is done, but reading the cluster again failed: " + recorded.message());
      return kExitError;
    }
    const bool destructive = std::any_of(again->changes.begin(), again->changes.end(),
                                         [](const engine::PlannedChange& c) { return c.destroys_data; });
    // Interrupted, the state is brought to the new roles all the same: that
    // is part of recording the switchover. Nothing else is started.
    if (again->has_changes() && !(options.hold_destructive && destructive) && !interrupt_requested()) {
      print_plan(*again);
      return apply_and_report(session, *again, options);
    }
  }
  // A step can end a replica's stream (a master restart does): the apply is
  // done only when every replica streams again. Nothing is left to record
  // by then, so an interrupt ends the wait at once.
  if (interrupt_requested()) return report_health_unconfirmed();
  if (!plan.destroy && options.targets.empty()) {
    if (auto healthy = session.wait_until_healthy(interrupt_requested); !healthy) {
      if (interrupt_requested()) return report_health_unconfirmed();
      print_error("every step was applied, but the cluster is not healthy: " + healthy.message());
      return kExitError;
    }
  }
  std::cout << "\n"
            << (plan.destroy ? "Destroy complete! " : "Apply complete! ") << "Resources: " << summary.add
            << " added, " << summary.change << " changed, " << summary.destroy << " destroyed.\n";
  if (!plan.not_ours.empty()) std::cout << "\n" << engine::render_not_ours(plan);
  return kExitOk;
}

std::string sha256_of_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string data = text.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace pgdecl::cli
