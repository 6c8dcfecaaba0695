#include "providers/postgres/node/replica_data.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "cluster/layout/naming.h"
#include "cluster/render/replica_config.h"
#include "providers/docker/run_identity.h"
#include "providers/postgres/node/helper_container.h"
#include "providers/postgres/node/published_address.h"

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
  if (data.complete) {
    auto signal = client.read_file(container, pgdata + "/standby.signal");
    if (!signal) return signal.status();
    data.promoted = !signal->has_value();
  }
  auto passfile = client.read_file(container, engine::kReplicationPassfile);
  if (!passfile) return passfile.status();
  if (passfile->has_value()) data.passfile = Secret(std::move(**passfile));
  return data;
}

// A running replica answers for its own files in one round trip, far
// faster than copying each out of the container. nullopt: it cannot be
// asked now (then the files are read through Docker).
std::optional<ReplicaData> read_through_server(NodeContext& context, const std::string& replica,
                                               const docker::ContainerInfo& container) {
  auto published = published_address(container);
  if (!published) return std::nullopt;
  context.sessions.set_endpoint(replica, *published);
  ReplicaData data;
  Status asked = context.sessions.with_connection(replica, Clock::now(), [&](SqlSession& c) {
    auto rows = c.query(
        "SELECT system_identifier::text, pg_read_file($1, 0, 4096, true) IS NOT NULL, "
        "pg_read_file($2, 0, 65536, true), pg_is_in_recovery() FROM pg_control_system()",
        {std::string(engine::kStandbyMarker), std::string(engine::kReplicationPassfile)});
    if (!rows) return rows.status();
    const Row& row = rows->rows.at(0);
    data.has_data = true;
    data.system_identifier = std::stoull(row.at(0).value_or("0"));
    data.complete = row.at(1) == "t";
    if (row.at(2)) data.passfile = Secret(*row.at(2));
    data.promoted = data.complete && row.at(3) == "f";
    return Status::ok();
  });
  if (!asked) return std::nullopt;
  return data;
}

// The postgres user of the image, from its /etc/passwd.
Result<std::pair<int, int>> postgres_ids(docker::Client& client, const std::string& container) {
  auto passwd = client.read_file(container, "/etc/passwd");
  if (!passwd) return passwd.status();
  std::istringstream lines(passwd->value_or(""));
  for (std::string line; std::getline(lines, line);) {
    int uid = 0, gid = 0;
    if (line.rfind("postgres:", 0) == 0 &&
        std::sscanf(line.c_str(), "postgres:%*[^:]:%d:%d", &uid, &gid) == 2) {
      return std::make_pair(uid, gid);
    }
  }
  return Status::failed("the image has no postgres user in /etc/passwd");
}

Status write_passfile(docker::Client& client, const std::string& container, const Secret& content) {
  auto ids = postgres_ids(client, container);
  if (!ids) return ids.status();
  const std::string path = std::string(engine::kReplicationPassfile).substr(1);
  return client.upload_archive(container, "/", {{path, content.reveal(), 0600, ids->first, ids->second}});
}

// plan, status and show run beside an apply, and each may probe the same
// volume: every probe has a name of its own.
std::string probe_suffix() {
  static std::atomic<int> probes{0};
  return docker::this_run_token() + "-" + std::to_string(++probes);
}

// Runs `work` on a container that mounts the replica's volume: its own
// when it has one (running or not), else one created for the purpose and
// never started: Docker mounts the volume all the same, and the archive
// endpoint reads and writes files through it in a few milliseconds.
template <typename Work>
auto with_data_container(NodeContext& context, const std::string& replica_name, Work work)
    -> decltype(work(std::string())) {
  auto container = context.docker.container(replica_name);
  if (!container) return container.status();
  if (container->has_value()) return work((*container)->id);
  const spec::NodeSpec& replica = node_spec(context.spec, replica_name);
  docker::ContainerConfig config;
  config.name = engine::docker_name(context.spec.name, replica.name + "-probe-" + probe_suffix());
  config.image = context.spec.images.at(replica.image).tag;
  config.cmd = {"true"};
  config.mounts = {{engine::docker_name(context.spec.name, replica.volume), engine::kDataMount}};
  auto id = create_helper_container(context, replica.name, kProbeHelper, config, {replica.volume});
  if (!id) return id.status();
  auto result = work(*id);
  context.docker.client().remove_container(*id, true);
  return result;
}

}  // namespace

std::optional<std::uint64_t> system_identifier_of(const std::string& pg_control) {
  std::uint64_t identifier = 0;
  if (pg_control.size() < sizeof identifier) return std::nullopt;
  std::memcpy(&identifier, pg_control.data(), sizeof identifier);
  return identifier;
}

Result<ReplicaData> read_replica_data(NodeContext& context, const std::string& replica) {
  auto own = context.docker.container(replica);
  if (!own) return own.status();
  if (own->has_value()) {
    if (auto answered = read_through_server(context, replica, **own)) return std::move(*answered);
  }
  return with_data_container(context, replica, [&](const std::string& container) {
    return read_through(context.docker.client(), container);
  });
}

Status install_replication_passfile(NodeContext& context, const std::string& replica, const Secret& content) {
  return with_data_container(context, replica, [&](const std::string& container) {
    return write_passfile(context.docker.client(), container, content);
  });
}

Status write_volume_files(NodeContext& context, const std::string& node,
                          std::vector<docker::ArchiveFile> files) {
  return with_data_container(context, node, [&](const std::string& container) -> Status {
    auto ids = postgres_ids(context.docker.client(), container);
    if (!ids) return ids.status();
    const std::string mount = std::string(engine::kDataMount).substr(1);
    for (auto& file : files) {
      file.name = mount + "/" + file.name;
      file.uid = ids->first;
      file.gid = ids->second;
    }
    return context.docker.client().upload_archive(container, "/", files);
  });
}

}  // namespace pgdecl::pg
