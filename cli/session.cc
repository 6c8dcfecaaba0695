#include "cli/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "cli/options.h"
#include "cli/plan_request.h"
#include "cli/provider_wiring.h"
#include "cli/secret_resolver.h"
#include "cluster/spec/loader.h"
#include "providers/postgres/backup/archive_status.h"
#include "providers/postgres/backup/restore.h"
#include "providers/postgres/node/node_connections.h"
#include "providers/postgres/node/replica_health.h"

namespace pgdecl::cli {

std::optional<spec::ClusterSpec> load_spec_reporting(const std::string& file) {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_file(file, diagnostics);
  std::cerr << diagnostics.to_string();
  return spec;
}

namespace {

// The node that takes writes now: the state's record of pg_primary; for a
// cluster made before the state kept one, its master block's node (the
// only primary there was); for a new cluster, the spec's primary. The
// recorded one may no longer be in the spec.
std::string primary_now(const spec::ClusterSpec& spec, const state::State& state) {
  auto record = state.resources.find(Address{resource_type::kPrimary, spec.name}.to_string());
  if (record == state.resources.end()) {
    const bool made_before =
        state.resources.count(Address{resource_type::kContainer, spec.master.name}.to_string()) > 0;
    return made_before ? spec.master.name : spec.declared_primary;
  }
  auto node = record->second.attributes.find("node");
  return node == record->second.attributes.end() ? spec.declared_primary : node->second;
}

}  // namespace

Session::Session(const spec::ClusterSpec& spec, Paths paths) : spec_(spec), paths_(std::move(paths)) {}
Session::~Session() = default;

Session::Paths Session::paths_for(const spec::ClusterSpec& spec, const Options& options) {
  std::filesystem::path state = options.state_file.empty()
                                    ? spec.dir / ".pgdecl" / (spec.name + ".state.json")
                                    : std::filesystem::path(options.state_file);
  return {state, state.parent_path() / (spec.name + ".secrets.json")};
}

Result<std::unique_ptr<Session>> Session::open(const spec::ClusterSpec& spec, const Options& options,
                                               Access access) {
  std::unique_ptr<Session> session(new Session(spec, paths_for(spec, options)));
  if (access == Access::kChange) {
    // The lock makes the state's folder, 0700 from the start.
    auto lock = state::StateLock::acquire(session->paths_.state, options.lock_timeout);
    if (!lock) return lock.status();
    session->lock_ = std::move(*lock);
  }

  auto state = state::read_state(session->paths_.state);
  if (!state) return state.status();
  session->state_ = state->value_or(state::new_state(spec.name));
  if (session->state_.cluster != spec.name) {
    return Status::invalid_argument("state " + session->paths_.state.string() + " belongs to cluster '" +
                                    session->state_.cluster + "', not '" + spec.name + "'");
  }
  // Every provider sees the roles the cluster has now; pg_primary plans
  // the move to the spec's.
  const std::string primary = primary_now(spec, session->state_);
  if (!spec.find_node(primary)) {
    session->primary_problem_ = "the state records " + primary +
                                " as the cluster's primary, and the spec no longer has that node; put it "
                                "back, and make another node the primary (primary:) before removing it";
  } else {
    spec::make_primary(session->spec_, primary);
  }
  auto secrets = state::SecretsFile::open(session->paths_.secrets);
  if (!secrets) return secrets.status();
  session->secrets_ = std::move(*secrets);
  auto password = resolve_secret(spec.master.superuser.password, "superuser." + spec.master.superuser.name,
                                 spec, *session->secrets_);
  if (!password) return password.status();

  auto wiring = ProviderWiring::connect(session->spec_, options, session->state_, *session->secrets_,
                                        std::move(*password));
  if (!wiring) return wiring.status();
  session->wiring_ = std::move(*wiring);
  Session* self = session.get();
  session->wiring_->node_context->primary_moved = [self](const std::string& node) {
    spec::make_primary(self->spec_, node);
  };
  return session;
}

long Session::docker_requests() const { return wiring_->client->transport().requests_sent(); }

pg::NodeContext& Session::node_context() { return *wiring_->node_context; }

const engine::ProviderRegistry& Session::providers() const { return wiring_->providers; }

Result<engine::Plan> Session::make_plan(const Options& options, bool destroy) {
  if (!destroy && !primary_problem_.empty()) return Status::invalid_argument(primary_problem_);
  auto request = plan_request(spec_, state_, wiring_->providers, options, destroy);
  if (!request) return request.status();
  // A destroy removes only what is this cluster's: an object of anyone
  // else's at one of its names is left alone, and named.
  if (destroy) wiring_->snapshot->pass_over_foreign();
  // Nor does it need the spec's secrets: a variable not set stops no destroy.
  wiring_->node_context->secrets_optional = destroy;
  // The refresh asks the master once for every replica's slot and stream.
  wiring_->node_context->master_replication.hold();
  auto plan = [&] {
    pg::NodeConnectionOpeners connecting(*wiring_->node_context);
    return engine::make_plan(*request, wiring_->providers);
  }();
  wiring_->node_context->master_replication.release();
  if (!plan) return plan;
  if (!destroy) {
    if (auto s = pg::plan_restore(*wiring_->node_context, *plan); !s) return s;
    plan->warnings = pg::archive_warnings(*wiring_->node_context);
  }
  plan->not_ours = wiring_->snapshot->passed_over();
  return plan;
}

Status Session::wait_until_healthy(const std::function<bool()>& stop) {
  return pg::wait_until_replicas_stream(*wiring_->node_context, stop);
}

Status Session::write_state() { return state::write_state(paths_.state, state_); }

}  // namespace pgdecl::cli
