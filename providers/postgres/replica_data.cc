#include "providers/postgres/replica_data.h"

#include <cstring>

#include "engine/resources/naming.h"
#include "engine/resources/replica_config.h"

namespace pgdecl::pg {
namespace {

Result<ReplicaData> read_through(docker::Client& client, const std::string& container) {
  ReplicaData data;
  const std::string pgdata = engine::kPgData;
  auto version = client.read_file(container, pgdata + "/PG_VERSION");
  if (!version) return version.status();
  data.has_data = version->has_value();
  if (!data.has_data) return data;
  auto control = client.read_file(container, pgdata + "/global/pg_control");
  if (!control) return control.status();
  if (control->has_value()) data.system_identifier = system_identifier_of(**control);
  auto marker = client.read_file(container, engine::kStandbyMarker);
  if (!marker) return marker.status();
  data.complete = marker->has_value();
  return data;
}

// A container that is never started: Docker mounts its volume all the same,
// and the archive endpoint reads files through it in a few milliseconds.
Result<ReplicaData> read_through_probe(NodeContext& context, const spec::NodeSpec& replica) {
  auto& client = context.docker.client();
  docker::ContainerConfig config;
  config.name = engine::docker_name(context.spec.name, replica.name + "-probe");
  config.image = context.spec.images.at(replica.image).tag;
  config.cmd = {"true"};
  config.labels = context.docker.labels_for("pg_replica." + replica.name);
  config.mounts = {{engine::docker_name(context.spec.name, replica.volume), engine::kDataMount}};
  client.remove_container(config.name, true);  // left over by a run that was killed
  auto id = client.create_container(config);
  if (!id) return id.status();
  auto data = read_through(client, *id);
  client.remove_container(*id, true);
  return data;
}

}  // namespace

std::optional<std::uint64_t> system_identifier_of(const std::string& pg_control) {
  std::uint64_t identifier = 0;
  if (pg_control.size() < sizeof identifier) return std::nullopt;
  std::memcpy(&identifier, pg_control.data(), sizeof identifier);
  return identifier;
}

Result<ReplicaData> read_replica_data(NodeContext& context, const std::string& replica) {
  auto container = context.docker.container(engine::docker_name(context.spec.name, replica));
  if (!container) return container.status();
  if (container->has_value()) return read_through(context.docker.client(), (*container)->id);
  return read_through_probe(context, node_spec(context.spec, replica));
}

}  // namespace pgdecl::pg
