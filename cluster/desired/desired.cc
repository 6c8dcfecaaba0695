#include "cluster/desired/desired.h"

#include "cluster/desired/context_digest.h"
#include "cluster/desired/desired_archiver.h"
#include "cluster/desired/desired_roles.h"
#include "cluster/layout/naming.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"

namespace pgdecl::engine {
namespace {

DesiredResource network(const spec::ClusterSpec& spec) {
  return {{resource_type::kNetwork, spec.network.name},
          {{attr::kName, docker_name(spec.name, spec.network.name)},
           {attr::kSubnet, spec.network.subnet.value_or(kAnyValue)}},
          {}};
}

DesiredResource image(const spec::ImageSpec& image) {
  DesiredResource out{{resource_type::kImage, image.logical_name}, {{attr::kTag, image.tag}}, {}};
  if (image.build) out.attributes[attr::kContextDigest] = build_context_digest(*image.build);
  return out;
}

// prevent_destroy goes to the state with the volume: once the volume has
// left the spec, it still says whether its data may go.
DesiredResource volume(const spec::ClusterSpec& spec, const spec::VolumeSpec& volume) {
  return {{resource_type::kVolume, volume.name},
          {{attr::kName, docker_name(spec.name, volume.name)},
           {attr::kPreventDestroy, volume.prevent_destroy ? "true" : "false"}},
          {}};
}

std::string publish_text(const spec::PublishSpec& publish) {
  return publish.host_ip + ":" + (publish.port == 0 ? std::string("*") : std::to_string(publish.port));
}

DesiredResource container(const spec::ClusterSpec& spec, const spec::NodeSpec& node) {
  DesiredResource out{{resource_type::kContainer, node.name},
                      {{attr::kName, docker_name(spec.name, node.name)},
                       {attr::kImage, spec.images.at(node.image).tag},
                       {attr::kVolume, docker_name(spec.name, node.volume)},
                       {attr::kNetwork, docker_name(spec.name, spec.network.name)},
                       {attr::kPublish, publish_text(node.publish)},
                       {attr::kRole, spec::role_name(node.role)},
                       {attr::kCommand, text_digest(node_boot_script(spec))},
                       {attr::kState, "running"},
                       {attr::kRestartPolicy, kNodeRestartPolicy}},
                      {{resource_type::kNetwork, spec.network.name},
                       {resource_type::kImage, node.image},
                       {resource_type::kVolume, node.volume}}};
  if (node.publish.port == 0) out.attributes[attr::kPublish] = kAnyValue;
  return out;
}

// The node's one connection: what runs on the node waits until its server
// accepts connections, and shares it.
DesiredResource connection(const spec::NodeSpec& node) {
  return {{resource_type::kConnection, node.name}, {}, {{resource_type::kContainer, node.name}}};
}

DesiredResource hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node) {
  return {{resource_type::kHba, node.name},
          {{attr::kHbaRules, shown_hba(spec, node)}},
          {{resource_type::kContainer, node.name}, {resource_type::kConnection, node.name}}};
}

// After pg_hba: a settings change may restart the node, which must not
// happen under another change to the same node.
DesiredResource settings(const spec::NodeSpec& node) {
  DesiredResource out{{resource_type::kSettings, node.name},
                      {},
                      {{resource_type::kContainer, node.name},
                       {resource_type::kConnection, node.name},
                       {resource_type::kHba, node.name}}};
  for (const auto& [name, value] : node.parameters) out.attributes[name] = value;
  return out;
}

// Which node takes writes. The spec's choice, where every other resource
// follows the primary the cluster has now: a change of it is a switchover,
// ordered after every other change (cluster_plan_rules). Not after the
// primary's connection: a failover is for a primary that gives none.
DesiredResource primary(const spec::ClusterSpec& spec) {
  return {{resource_type::kPrimary, spec.name},
          {{attr::kNode, spec.declared_primary}},
          {{resource_type::kContainer, spec.primary().name}}};
}

// A replica: its container, started at once and waiting for its data; its
// slot on the master; its copy from the master into its volume, which
// wakes the container and waits until it streams; then its connection, and
// its pg_hba and settings, checked by its running server.
void add_replica(std::vector<DesiredResource>& out, const spec::ClusterSpec& spec,
                 const spec::NodeSpec& replica) {
  const Address master{resource_type::kContainer, spec.primary().name};
  const Address master_settings{resource_type::kSettings, spec.primary().name};
  const Address master_connection{resource_type::kConnection, spec.primary().name};
  DesiredResource node = container(spec, replica);
  // Health, not only a running process: the master sees it streaming.
  node.attributes[attr::kReplication] = kStreaming;
  DesiredResource copy{
      {resource_type::kReplica, replica.name},
      {{"source", spec.primary().name}},
      {master, master_connection, master_settings, {resource_type::kVolume, replica.volume}, node.address}};
  if (spec.replication.slots) {
    out.push_back({{resource_type::kSlot, replica.name},
                   {{"slot_name", slot_name(replica.name)}},
                   {master, master_connection, master_settings}});
    copy.depends_on.push_back({resource_type::kSlot, replica.name});
  }
  if (!spec.replication.user.empty())
    copy.depends_on.push_back({resource_type::kRole, spec.replication.user});
  out.push_back(node);
  out.push_back(copy);
  // Its server starts on the copy.
  DesiredResource session = connection(replica);
  session.depends_on.push_back(copy.address);
  out.push_back(session);
  DesiredResource rules = hba(spec, replica);
  rules.depends_on.push_back(copy.address);
  out.push_back(rules);
  out.push_back(settings(replica));
}

}  // namespace

std::vector<DesiredResource> desired_resources(const spec::ClusterSpec& spec) {
  std::vector<DesiredResource> out;
  out.push_back(network(spec));
  for (const auto& [name, spec_image] : spec.images) out.push_back(image(spec_image));
  for (const auto& [name, spec_volume] : spec.volumes) out.push_back(volume(spec, spec_volume));
  const spec::NodeSpec& primary_node = spec.primary();
  out.push_back(container(spec, primary_node));
  out.push_back(connection(primary_node));
  out.push_back(hba(spec, primary_node));
  out.push_back(settings(primary_node));
  out.push_back(primary(spec));
  for (const auto& spec_role : spec.roles) out.push_back(role_resource(spec, spec_role));
  for (const auto& spec_database : spec.databases) out.push_back(database_resource(spec, spec_database));
  for (const auto* node : spec.nodes()) {
    if (node->role == spec::NodeRole::kReplica) add_replica(out, spec, *node);
  }
  add_archiver(out, spec);
  return out;
}

}  // namespace pgdecl::engine
