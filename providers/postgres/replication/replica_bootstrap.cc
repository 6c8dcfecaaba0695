#include "providers/postgres/replication/replica_bootstrap.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "cluster/layout/naming.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/node/helper_container.h"
#include "providers/postgres/node/replica_log.h"

namespace pgdecl::pg {
namespace {

docker::ContainerConfig copier_config(NodeContext& context, const spec::NodeSpec& replica, bool wipe,
                                      const std::vector<std::string>& sharing) {
  const auto& spec = context.spec;
  docker::ContainerConfig config;
  config.name = engine::docker_name(spec.name, replica.name + "-bootstrap");
  config.image = spec.images.at(replica.image).tag;
  config.cmd = {"/bin/sh", "-c", engine::replica_bootstrap_script(spec, replica, wipe, sharing)};
  config.mounts = {{engine::docker_name(spec.name, replica.volume), engine::kDataMount}};
  for (const auto& name : sharing) {
    config.mounts.push_back({engine::docker_name(spec.name, node_spec(spec, name).volume),
                             std::string(engine::kSharedCopyMounts) + "/" + name});
  }
  // In the master's own network namespace: the alias still names the
  // master, and Docker need not wire up an interface for a container that
  // lives a second.
  config.network_of_container = engine::docker_name(spec.name, spec.primary().name);
  config.stop_timeout_seconds = 10;
  return config;
}

// The replica's first config: pgdecl's own rules, and its settings whole,
// pointing it at the master. The settings cannot wait for the checked path
// as a master's do: a hot standby refuses to start with less
// max_connections (say) than its master, and the values it takes from the
// master were checked there already. The spec's pg_hba lines follow through
// the checked path.
Result<std::vector<docker::ArchiveFile>> copier_files(NodeContext& context, const spec::NodeSpec& replica,
                                                      const std::vector<std::string>& sharing,
                                                      const Secret& password) {
  const std::string stage = std::string(engine::kStagingDir).substr(1) + "/bootstrap";
  std::vector<docker::ArchiveFile> files{
      {stage + "/passfile", engine::replication_passfile(context.spec.replication.user, password.reveal()),
       0600}};
  std::vector<std::string> names{replica.name};
  names.insert(names.end(), sharing.begin(), sharing.end());
  for (const auto& name : names) {
    // The settings may hold a secret of the spec (an archive_command, say).
    auto secrets = node_config_secrets(context, name);
    if (!secrets) return secrets.status();
    files.push_back({stage + "/" + name + "/pg_hba.conf", engine::render_own_hba_rules(context.spec), 0644});
    files.push_back({stage + "/" + name + "/pgdecl.conf",
                     engine::render_settings_file(context.spec, node_spec(context.spec, name), &*secrets),
                     0600});
  }
  return files;
}

// What the master answers a copy when max_wal_senders are all in use.
constexpr const char* kNoSenderFree = "number of requested standby connections exceeds max_wal_senders";
constexpr std::chrono::milliseconds kFirstSenderWait{250};
constexpr std::chrono::milliseconds kLongestSenderWait{2000};

// The copy's last words, which say why it failed (authentication, a
// missing slot, the master gone) in pg_basebackup's own terms.
Status explain_failure(docker::Client& client, const std::string& id, const std::string& replica, int code) {
  return Status::failed("copying the master's data for " + replica + " failed (exit code " +
                        std::to_string(code) + "):\n" + last_log_lines(client, id, 20));
}

// The replica's container, running or not; nullopt when it has none.
Result<std::optional<docker::ContainerInfo>> replica_container(NodeContext& context,
                                                               const std::string& replica) {
  return context.docker.container(replica);
}

// The copy must not run under a live server on the same volume. The id of
// the container it stopped, to start again once the copy is made.
Result<std::optional<std::string>> stop_replica(NodeContext& context, const std::string& replica) {
  auto container = replica_container(context, replica);
  if (!container) return container.status();
  if (!container->has_value() || !(*container)->running()) return std::optional<std::string>();
  context.sessions.invalidate(replica);
  if (auto s = context.docker.client().stop_container((*container)->id, 60); !s) return s;
  return std::optional<std::string>((*container)->id);
}

// A container waiting for its copy starts its server at once when told.
// Told from inside, not with Docker's kill: Docker marks a container it
// signalled as stopped by hand, and its restart policy would then leave
// it down after the engine restarts.
Status wake_replica(NodeContext& context, const std::string& replica) {
  auto container = replica_container(context, replica);
  if (!container) return container.status();
  if (!container->has_value() || !(*container)->running()) return Status::ok();
  auto woken = context.docker.client().exec((*container)->id, {"sh", "-c", "kill -USR1 1"});
  if (!woken) return woken.status();
  // Its server may already have replaced the waiting script (a signal
  // that arrived late is no failure).
  return Status::ok();
}

}  // namespace

Status bootstrap_replica(NodeContext& context, const std::string& replica_name, bool wipe,
                         const std::vector<std::string>& sharing) {
  const spec::NodeSpec& replica = node_spec(context.spec, replica_name);
  auto password = replication_password(context);
  if (!password) return password.status();
  auto files = copier_files(context, replica, sharing, **password);
  if (!files) return files.status();
  // A new volume has no server on it: its container, if any, only waits.
  auto stopped =
      wipe ? stop_replica(context, replica_name) : Result<std::optional<std::string>>(std::nullopt);
  if (!stopped) return stopped.status();

  auto& client = context.docker.client();
  docker::ContainerConfig config = copier_config(context, replica, wipe, sharing);
  std::vector<std::string> copied_volumes{replica.volume};
  for (const auto& name : sharing) copied_volumes.push_back(node_spec(context.spec, name).volume);
  Status copied = Status::ok();
  // Every WAL sender busy (other replicas' copies and streams) passes as
  // they finish: the copy tries again until the deadline. pg_basebackup
  // leaves nothing behind when it fails.
  const auto deadline = Clock::now() + context.ready_timeout;
  for (auto pause = kFirstSenderWait;; pause = std::min(pause * 2, kLongestSenderWait)) {
    auto id = create_helper_container(context, replica_name, kCopyHelper, config, copied_volumes);
    if (!id) return id.status();
    copied = client.upload_archive(*id, "/", *files);
    if (copied) copied = client.start_container(*id);
    if (copied) {
      // Bounded like every wait of an apply: by its --timeout.
      auto code = client.wait_container(*id, context.ready_timeout);
      if (!code) copied = code.status();
      if (code && *code != 0) copied = explain_failure(client, *id, replica_name, *code);
    }
    client.remove_container(*id, true);
    if (copied || copied.message().find(kNoSenderFree) == std::string::npos ||
        Clock::now() + pause >= deadline)
      break;
    spdlog::info("{}: every WAL sender of the master is busy (max_wal_senders); copying again in {} ms",
                 replica_name, pause.count());
    std::this_thread::sleep_for(pause);
  }
  if (stopped->has_value()) {
    Status restarted = client.start_container(**stopped);
    if (copied) copied = restarted;
  } else if (copied) {
    copied = wake_replica(context, replica_name);
    for (const auto& name : sharing) {
      if (Status woken = wake_replica(context, name); copied && !woken) copied = woken;
    }
  }
  context.docker.invalidate();
  return copied;
}

}  // namespace pgdecl::pg
