#include <spdlog/spdlog.h>

#include "cluster/desired/desired.h"
#include "cluster/layout/naming.h"
#include "cluster/render/archive_scripts.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/backup/archive_access.h"
#include "providers/postgres/backup/backup_providers.h"
#include "providers/postgres/node/container_common.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;
namespace attr = engine::attr;

constexpr const char* kSynchronousLabel = "pgdecl.synchronous";

class ArchiverProvider : public engine::ResourceProvider {
 public:
  explicit ArchiverProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kArchiver; }
  bool replaced_with_dependencies() const override { return true; }

  engine::AttributeSchema schema() const override {
    using engine::ChangeKind;
    return {{attr::kName, {ChangeKind::kReplace, "the archiver's name changes"}},
            {attr::kImage, {ChangeKind::kReplace, "the image changes: {before} -> {after}"}},
            {attr::kArchive, {ChangeKind::kReplace, "the archive moves: {before} -> {after}"}},
            {attr::kNetwork, {ChangeKind::kReplace, "the network changes: {before} -> {after}"}},
            {attr::kSynchronous,
             {ChangeKind::kReplace,
              "backup.synchronous is {after}: the archiver streams as a "
              "synchronous standby only when it is true"}},
            {attr::kCommand, {ChangeKind::kReplace, "the archiver's start command changes"}},
            {attr::kState,
             {ChangeKind::kUpdateInPlace,
              "the archiver is {before}, not running: the primary's WAL is not archived, and its slot "
              "holds it meanwhile"}},
            {attr::kRestartPolicy,
             {ChangeKind::kUpdateInPlace,
              "the archiver's restart policy is {before}, not {after}: it would stay down when the Docker "
              "engine restarts"}},
            {attr::kReplication,
             {ChangeKind::kUpdateInPlace, "the primary does not see the archiver streaming ({before})"}}};
  }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto info = ctx_.docker.container_of(address.to_string(), engine::kArchiverName);
    if (!info) return info.status();
    if (!info->has_value()) return std::optional<LiveResource>();
    auto live = to_live(**info);
    if (!live) return live.status();
    return std::optional<LiveResource>(std::move(*live));
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kDelete || change.action == engine::Action::kReplace) {
      if (auto s = remove(change.before->id); !s) return {s, change.before};
      if (change.action == engine::Action::kDelete) return {Status::ok(), std::nullopt};
    }
    std::string id;
    if (change.action == engine::Action::kUpdate) {
      id = change.before->id;
      if (auto s = start_again(*change.before); !s) return {s, change.before};
    } else {
      auto created = create(change.address);
      if (!created) return {created.status(), std::nullopt};
      id = *created;
    }
    ctx_.docker.invalidate();
    Status streaming = wait_until_archiving(ctx_, id);
    auto live = read(change.address);
    return {streaming, live ? *live : std::nullopt};
  }

 private:
  Result<LiveResource> to_live(const docker::ContainerInfo& info) {
    LiveResource live{info.id, {}, {}};
    auto image = image_shown(ctx_.docker, info);
    if (!image) return image.status();
    live.attributes[attr::kName] = info.name;
    live.attributes[attr::kImage] = *image;
    live.attributes[attr::kArchive] = !info.volumes.empty() ? info.volumes.front()
                                      : !info.binds.empty() ? info.binds.front()
                                                            : "(none)";
    live.attributes[attr::kNetwork] = info.networks.empty() ? "(none)" : info.networks.front();
    live.attributes[attr::kSynchronous] = label_of(info, kSynchronousLabel);
    live.attributes[attr::kCommand] = label_of(info, kCommandLabel);
    live.attributes[attr::kState] = info.state;
    auto inspected = ctx_.docker.client().inspect_container(info.id);
    if (!inspected) return inspected.status();
    live.attributes[attr::kRestartPolicy] =
        inspected->has_value() ? (*inspected)->restart_policy : "(the container is gone)";
    live.attributes[attr::kReplication] = streaming_seen(info.running());
    return live;
  }

  // Asked of the primary, once, without waiting: a plan does not wait.
  std::string streaming_seen(bool running) {
    if (!running) return "its container is not running";
    std::string seen;
    Status asked = ctx_.sessions.with_connection(ctx_.spec.primary().name, Clock::now(), [&](SqlSession& c) {
      auto stream = read_archiver_stream(c);
      if (!stream) return stream.status();
      if (archiver_streams(*stream, ctx_.spec.backup)) {
        seen = engine::kStreaming;
      } else {
        seen = stream->state ? *stream->state + (stream->sync_state ? ", " + *stream->sync_state : "")
                             : "not connected";
      }
      return Status::ok();
    });
    return asked ? seen : "unknown (the primary cannot be asked)";
  }

  docker::ContainerConfig container_config(const Address& address) const {
    const spec::ClusterSpec& spec = ctx_.spec;
    const std::string script = engine::archiver_script(spec);
    docker::ContainerConfig config;
    config.name = engine::docker_name(spec.name, engine::kArchiverName);
    config.image = spec.images.at(spec.primary().image).tag;
    config.cmd = {"/bin/sh", "-c", script};
    config.labels = ctx_.docker.labels_for(address.to_string());
    config.labels[kImageLabel] = config.image;
    config.labels[kCommandLabel] = engine::text_digest(script);
    config.labels[kSynchronousLabel] = spec.backup.synchronous ? "true" : "false";
    config.mounts = {archive_mount(spec, false)};
    config.network = engine::docker_name(spec.name, spec.network.name);
    config.network_aliases = {engine::kArchiverName};
    config.stop_signal = "SIGTERM";
    config.stop_timeout_seconds = 30;
    config.restart_policy = engine::kNodeRestartPolicy;
    return config;
  }

  Result<std::string> create(const Address& address) {
    auto password = replication_password(ctx_);
    if (!password) return password.status();
    if (auto s = prepare_archive(ctx_); !s) return s;
    if (auto s = ctx_.docker.check_network_before_use(ctx_.spec.network.name); !s) return s;
    auto& client = ctx_.docker.client();
    auto id = client.create_container(container_config(address));
    if (!id)
      return refusal_at_name(ctx_, id.status(), engine::docker_name(ctx_.spec.name, engine::kArchiverName),
                             address);
    const std::string passfile = std::string(engine::kArchiverPassfile).substr(1);
    Status started = client.upload_archive(
        *id, "/",
        {{passfile, engine::replication_passfile(ctx_.spec.replication.user, (*password)->reveal()), 0600}});
    if (started) started = client.start_container(*id);
    if (!started) {
      client.remove_container(*id, true);
      ctx_.docker.invalidate();
      return started;
    }
    return *id;
  }

  Status start_again(const LiveResource& live) {
    auto& client = ctx_.docker.client();
    auto policy = live.attributes.find(attr::kRestartPolicy);
    if (policy == live.attributes.end() || policy->second != engine::kNodeRestartPolicy) {
      if (auto s = client.update_restart_policy(live.id, engine::kNodeRestartPolicy); !s) return s;
    }
    auto state = live.attributes.find(attr::kState);
    if (state != live.attributes.end() && state->second == "paused") return client.unpause_container(live.id);
    if (state != live.attributes.end() && state->second == "running") return Status::ok();
    return client.start_container(live.id);
  }

  // pg_receivewal writes out what it has on the stop signal; the archive
  // and the slot stay, so a new archiver resumes where this one stopped.
  Status remove(const std::string& id) { return stop_and_remove(ctx_, id, 30); }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_archiver_provider(NodeContext& context) {
  return std::make_unique<ArchiverProvider>(context);
}

}  // namespace pgdecl::pg
