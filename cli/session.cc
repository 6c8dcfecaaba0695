#include "cli/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "cli/options.h"
#include "cli/secret_resolver.h"
#include "cluster/desired/desired.h"
#include "cluster/plan_rules/cluster_plan_rules.h"
#include "cluster/spec/loader.h"
#include "providers/docker/resource_providers.h"
#include "providers/postgres/catalog/catalog_providers.h"
#include "providers/postgres/config/config_providers.h"
#include "providers/postgres/node/node_connections.h"
#include "providers/postgres/node/node_context.h"
#include "providers/postgres/node/node_providers.h"
#include "providers/postgres/node/published_address.h"
#include "providers/postgres/node/replica_health.h"
#include "providers/postgres/replication/replica_providers.h"

namespace pgdecl::cli {

std::optional<spec::ClusterSpec> load_spec_reporting(const std::string& file) {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_file(file, diagnostics);
  std::cerr << diagnostics.to_string();
  return spec;
}

namespace {

// The master's server must hold the data the state recorded for it, unless
// the user asks for its container to be made again, to take the data its
// volume holds now.
void expect_recorded_identity(pg::NodeSessions& sessions, const spec::ClusterSpec& spec,
                              const state::State& state, const Options& options) {
  const std::string address = Address{resource_type::kContainer, spec.master.name}.to_string();
  if (std::find(options.replace.begin(), options.replace.end(), address) != options.replace.end()) return;
  auto record = state.resources.find(address);
  if (record == state.resources.end()) return;
  auto identifier = record->second.attributes.find(engine::attr::kSystemIdentifier);
  if (identifier != record->second.attributes.end())
    sessions.expect_system_identifier(spec.master.name, identifier->second);
}

}  // namespace

struct Session::Wiring {
  std::unique_ptr<docker::Client> client;
  std::unique_ptr<docker::ClusterSnapshot> snapshot;
  std::unique_ptr<pg::NodeSessions> sessions;
  std::unique_ptr<pg::NodeContext> node_context;
};

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
  auto secrets = state::SecretsFile::open(session->paths_.secrets);
  if (!secrets) return secrets.status();
  session->secrets_ = std::move(*secrets);
  auto password = resolve_secret(spec.master.superuser.password, "superuser." + spec.master.superuser.name,
                                 spec, *session->secrets_);
  if (!password) return password.status();

  auto wiring = std::make_unique<Wiring>();
  wiring->client = std::make_unique<docker::Client>(docker::make_curl_transport(spec.docker.host));
  if (auto s = wiring->client->negotiate_version(); !s) return s;
  wiring->snapshot = std::make_unique<docker::ClusterSnapshot>(*wiring->client, spec.name);
  wiring->sessions = std::make_unique<pg::NodeSessions>(spec.master.superuser.name, std::move(*password));
  wiring->sessions->set_address_lookup(pg::published_address_lookup(*wiring->snapshot));
  expect_recorded_identity(*wiring->sessions, spec, session->state_, options);
  wiring->sessions->set_limits({options.timeout, options.timeout});
  wiring->node_context = std::make_unique<pg::NodeContext>(
      pg::NodeContext{*wiring->snapshot, session->spec_, *wiring->sessions, options.timeout});

  for (const auto& role : spec.roles) {
    if (role.password && role.present) {
      wiring->node_context->role_passwords.emplace(role.name,
                                                   resolve_role_password(role, spec, *session->secrets_));
    }
  }

  wiring->node_context->config_secrets = resolve_config_secrets(spec, *session->secrets_);

  auto& registry = session->providers_;
  registry.add(docker::make_network_provider(*wiring->snapshot, session->spec_));
  registry.add(docker::make_image_provider(*wiring->snapshot, session->spec_));
  registry.add(docker::make_volume_provider(*wiring->snapshot, session->spec_));
  registry.add(pg::make_node_container_provider(*wiring->node_context));
  registry.add(pg::make_connection_gate(*wiring->node_context));
  registry.add(pg::make_hba_provider(*wiring->node_context));
  registry.add(pg::make_settings_provider(*wiring->node_context));
  registry.add(pg::make_role_provider(*wiring->node_context));
  registry.add(pg::make_database_provider(*wiring->node_context));
  registry.add(pg::make_slot_provider(*wiring->node_context));
  registry.add(pg::make_replica_provider(*wiring->node_context));
  session->wiring_ = std::move(wiring);
  return session;
}

long Session::docker_requests() const { return wiring_->client->transport().requests_sent(); }

pg::NodeContext& Session::node_context() { return *wiring_->node_context; }

Result<engine::Plan> Session::make_plan(const Options& options, bool destroy) {
  engine::PlanRequest request;
  request.cluster = spec_.name;
  request.lineage = state_.lineage;
  request.state_serial = state_.serial;
  request.destroy = destroy;
  auto desired = engine::desired_resources(spec_);
  for (const auto& resource : desired) {
    if (!providers_.find(resource.address.type)) {
      return Status::invalid_argument("pgdecl " PGDECL_VERSION " cannot manage " + resource.address.type +
                                      " resources yet (" + resource.address.to_string() + " in " +
                                      spec_.file.string() + ")");
    }
  }
  // On destroy the spec still names what to look for, so a cluster whose
  // state was lost is torn down all the same.
  for (const auto& resource : desired) request.prior.push_back({resource.address, resource.depends_on});
  if (!destroy) request.desired = std::move(desired);
  for (const auto& [address, record] : state_.resources) {
    engine::PriorResource prior{*Address::parse(address), {}, true, record.attributes};
    for (const auto& dependency : record.depends_on) prior.depends_on.push_back(*Address::parse(dependency));
    request.prior.push_back(std::move(prior));
  }
  engine::RecordedAttributes recorded;
  for (const auto& [address, record] : state_.resources) recorded[address] = record.attributes;
  request.rules = engine::cluster_plan_rules(spec_, std::move(recorded), options.purge_volumes);
  for (const auto& text : options.targets) {
    auto address = Address::parse(text);
    if (!address)
      return Status::invalid_argument("--target " + text + ": not a resource address (type.name)");
    request.targets.push_back(*address);
  }
  for (const auto& text : options.replace) {
    auto address = Address::parse(text);
    if (!address)
      return Status::invalid_argument("--replace " + text + ": not a resource address (type.name)");
    request.replace.push_back(*address);
  }
  // A destroy removes only what is this cluster's: an object of anyone
  // else's at one of its names is left alone, and named.
  if (destroy) wiring_->snapshot->pass_over_foreign();
  // Nor does it need the spec's secrets: a variable not set stops no destroy.
  wiring_->node_context->secrets_optional = destroy;
  // The refresh asks the master once for every replica's slot and stream.
  wiring_->node_context->master_replication.hold();
  auto plan = [&] {
    pg::NodeConnectionOpeners connecting(*wiring_->node_context);
    return engine::make_plan(request, providers_);
  }();
  wiring_->node_context->master_replication.release();
  if (!plan) return plan;
  plan->not_ours = wiring_->snapshot->passed_over();
  return plan;
}

Status Session::wait_until_healthy(const std::function<bool()>& stop) {
  return pg::wait_until_replicas_stream(*wiring_->node_context, stop);
}

Status Session::write_state() { return state::write_state(paths_.state, state_); }

}  // namespace pgdecl::cli
