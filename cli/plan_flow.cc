#include "cli/plan_flow.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

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
