#include "cli/provider_wiring.h"

#include <algorithm>

#include "cli/options.h"
#include "cli/secret_resolver.h"
#include "cluster/desired/desired.h"
#include "providers/docker/resource_providers.h"
#include "providers/postgres/backup/backup_providers.h"
#include "providers/postgres/backup/restore.h"
#include "providers/postgres/catalog/catalog_providers.h"
#include "providers/postgres/config/config_providers.h"
#include "providers/postgres/ha/primary_update.h"
#include "providers/postgres/node/node_providers.h"
#include "providers/postgres/node/published_address.h"
#include "providers/postgres/replication/replica_providers.h"

namespace pgdecl::cli {
namespace {

// The master's server must hold the data the state recorded for it, unless
// the user asks for its container to be made again, to take the data its
// volume holds now.
void expect_recorded_identity(pg::NodeSessions& sessions, const spec::ClusterSpec& spec,
                              const state::State& state, const Options& options) {
  const std::string address = Address{resource_type::kContainer, spec.primary().name}.to_string();
  if (std::find(options.replace.begin(), options.replace.end(), address) != options.replace.end()) return;
  auto record = state.resources.find(address);
  if (record == state.resources.end()) return;
  auto identifier = record->second.attributes.find(engine::attr::kSystemIdentifier);
  if (identifier != record->second.attributes.end())
    sessions.expect_system_identifier(spec.primary().name, identifier->second);
}

void add_providers(ProviderWiring& wiring, const spec::ClusterSpec& spec) {
  auto& registry = wiring.providers;
  registry.add(docker::make_network_provider(*wiring.snapshot, spec));
  registry.add(docker::make_image_provider(*wiring.snapshot, spec));
  registry.add(docker::make_volume_provider(*wiring.snapshot, spec));
  registry.add(pg::make_node_container_provider(*wiring.node_context));
  registry.add(pg::make_connection_gate(*wiring.node_context));
  registry.add(pg::make_hba_provider(*wiring.node_context));
  registry.add(pg::make_settings_provider(*wiring.node_context));
  registry.add(pg::make_role_provider(*wiring.node_context));
  registry.add(pg::make_database_provider(*wiring.node_context));
  registry.add(pg::make_slot_provider(*wiring.node_context));
  registry.add(pg::make_replica_provider(*wiring.node_context));
  registry.add(pg::make_primary_provider(*wiring.node_context));
  registry.add(pg::make_archiver_provider(*wiring.node_context));
}

}  // namespace

Result<std::unique_ptr<ProviderWiring>> ProviderWiring::connect(const spec::ClusterSpec& spec,
                                                                const Options& options,
                                                                const state::State& state,
                                                                state::SecretsFile& secrets,
                                                                Secret superuser_password) {
  auto wiring = std::make_unique<ProviderWiring>();
  wiring->client = std::make_unique<docker::Client>(docker::make_curl_transport(spec.docker.host));
  if (auto s = wiring->client->negotiate_version(); !s) return s;
  wiring->snapshot = std::make_unique<docker::ClusterSnapshot>(*wiring->client, spec.name);
  wiring->sessions =
      std::make_unique<pg::NodeSessions>(spec.master.superuser.name, std::move(superuser_password));
  wiring->sessions->set_address_lookup(pg::published_address_lookup(*wiring->snapshot));
  expect_recorded_identity(*wiring->sessions, spec, state, options);
  wiring->sessions->set_limits({options.timeout, options.timeout});
  wiring->node_context = std::make_unique<pg::NodeContext>(
      pg::NodeContext{*wiring->snapshot, spec, *wiring->sessions, options.timeout});
  wiring->node_context->force = options.force;
  pg::NodeContext& context = *wiring->node_context;
  context.move_writes_away = [&context](const std::function<Status()>& change) {
    return pg::with_writes_moved_away(context, change);
  };
  context.restore_primary = [&context](const std::string& node) {
    return pg::restore_primary(context, node);
  };
  wiring->node_context->last_primary_lsn = options.last_primary_lsn;
  wiring->node_context->primary_unanswered_since = options.primary_unanswered_since;
  for (const auto& role : spec.roles) {
    if (role.password && role.present)
      wiring->node_context->role_passwords.emplace(role.name, resolve_role_password(role, spec, secrets));
  }
  wiring->node_context->config_secrets = resolve_config_secrets(spec, secrets);
  add_providers(*wiring, spec);
  return wiring;
}

}  // namespace pgdecl::cli
