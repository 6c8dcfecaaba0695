#include <spdlog/spdlog.h>

#include "engine/resources/desired.h"
#include "engine/resources/naming.h"
#include "engine/resources/postgres_config.h"
#include "engine/resources/replica_config.h"
#include "providers/postgres/node_readiness.h"
#include "providers/postgres/replica_data.h"
#include "providers/postgres/replica_health.h"
#include "providers/postgres/replica_log.h"
#include "providers/postgres/resource_providers.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;
namespace attr = engine::attr;

constexpr const char* kRoleLabel = "pgdecl.role";
constexpr const char* kImageLabel = "pgdecl.image";
constexpr const char* kCommandLabel = "pgdecl.command-digest";
// What a running replica that does not stream says about why, for the plan.
constexpr const char* kComplaint = "complaint";

std::string label(const docker::ContainerInfo& info, const char* key) {
  auto found = info.labels.find(key);
  return found == info.labels.end() ? "" : found->second;
}

class NodeContainerProvider : public engine::ResourceProvider {
 public:
  explicit NodeContainerProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kContainer; }
  bool replaced_with_dependencies() const override { return true; }

  engine::AttributeSchema schema() const override {
    using engine::ChangeKind;
    return {{attr::kName, {ChangeKind::kReplace, "the container's name changes"}},
            {attr::kImage, {ChangeKind::kReplace, "the image changes: {before} -> {after}"}},
            {attr::kVolume, {ChangeKind::kReplace, "the data volume changes: {before} -> {after}"}},
            {attr::kNetwork, {ChangeKind::kReplace, "the network changes: {before} -> {after}"}},
            {attr::kPublish, {ChangeKind::kReplace, "the published port changes: {before} -> {after}"}},
            {attr::kRole, {ChangeKind::kReplace, "the node's role changes: {before} -> {after}"}},
            {attr::kCommand, {ChangeKind::kReplace, "the container's start command changes"}},
            {attr::kState, {ChangeKind::kUpdateInPlace, "the container is {before}, not running"}},
            {attr::kReplication,
             {ChangeKind::kUpdateInPlace, "the master does not see this replica streaming ({before})"}}};
  }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto info = ctx_.docker.container(engine::docker_name(ctx_.spec.name, address.name));
    if (!info) return info.status();
    if (!info->has_value()) return std::optional<LiveResource>();
    auto live = to_live(**info);
    if (!live) return live.status();
    if ((*info)->running() && (*info)->published) {
      ctx_.sessions.set_port(address.name, (*info)->published->host_port);
      if (auto identifier = ctx_.sessions.system_identifier(address.name))
        live->attributes[attr::kSystemIdentifier] = *identifier;
    }
    if (is_replica(address.name)) {
      const std::string seen = replication_seen((*info)->running(), address.name);
      live->attributes[attr::kReplication] = seen;
      if ((*info)->running() && seen != engine::kStreaming) {
        if (auto complaint = read_streaming_complaint(ctx_.docker.client(), (*info)->id))
          live->meta[kComplaint] = *complaint;
      }
    }
    return std::optional<LiveResource>(std::move(*live));
  }

  // A replica that does not stream says why in its own words, when its
  // server has said it: the reason a plan gives is the server's.
  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
    for (const auto& changed : change.changes) {
      // What a user must not miss: the data is not moved.
      if (changed.name == attr::kVolume && !is_replica(address.name) && changed.before) {
        change.reasons.push_back(
            "the master serves the data in the new volume (initdb makes a new, empty "
            "cluster when it holds none); the data in " +
            *changed.before + " stays there, not moved");
      }
    }
    if (!live || !live->meta.count(kComplaint)) return change;
    for (const auto& changed : change.changes) {
      if (changed.name == attr::kReplication) {
        change.reasons.push_back(address.name + " says: " + live->meta.at(kComplaint));
        break;
      }
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    const std::string node = change.address.name;
    if (makes_new_data(change)) ctx_.sessions.expect_system_identifier(node, std::nullopt);
    if (change.action == engine::Action::kDelete || change.action == engine::Action::kReplace) {
      if (auto s = remove(*change.before, node); !s) {
        if (!is_replica(node)) ctx_.master_started.open();
        return {s, change.before};
      }
      if (change.action == engine::Action::kDelete) return {Status::ok(), std::nullopt};
    }
    std::string id;
    if (change.action == engine::Action::kUpdate) {
      id = change.before->id;
      auto& client = ctx_.docker.client();
      const bool paused = change.before->attributes.count(attr::kState) &&
                          change.before->attributes.at(attr::kState) == "paused";
      if (auto s = paused ? client.unpause_container(id) : client.start_container(id); !s)
        return {s, change.before};
    } else {
      auto created = create(node, change.address);
      if (!is_replica(node)) ctx_.master_started.open();
      if (!created) return {created.status(), std::nullopt};
      id = *created;
    }
    ctx_.docker.invalidate();
    if (is_replica(node)) {
      // A replica without a whole copy waits for one, as its start script
      // does: pg_replica makes the copy, wakes the server and waits until it
      // streams.
      auto data = read_replica_data(ctx_, node);
      if (!data) return {data.status(), std::nullopt};
      if (!data->has_data || !data->complete) {
        auto live = read(change.address);
        return {Status::ok(), live ? *live : std::nullopt};
      }
    }
    Status ready = wait_until_ready(ctx_, node, id);
    // A replica whose data or password file this apply mends (or whose
    // data it refuses to copy over) streams, if ever, after its pg_replica
    // step; the apply's last check waits for it.
    if (ready && is_replica(node) && !ctx_.replicas_mended.count(node))
      ready = wait_until_streaming(ctx_, node, id);
    auto live = read(change.address);
    std::optional<LiveResource> known = live ? *live : std::nullopt;
    return {ready, known};
  }

 private:
  bool is_replica(const std::string& node) const { return node != ctx_.spec.master.name; }

  // A container the plan makes (again) may serve other data: it may mount
  // another volume (initdb makes a cluster when it holds none), or the user
  // replaced it to take the data its volume holds now. The plan was read
  // from the old server, checked; the new one's identifier is recorded once
  // it runs.
  static bool makes_new_data(const PlannedChange& change) {
    return change.action == engine::Action::kCreate || change.action == engine::Action::kReplace;
  }

  // Asked of the master, once, without waiting: a plan does not wait.
  std::string replication_seen(bool running, const std::string& replica) {
    if (!running) return "its container is not running";
    std::string seen;
    Status asked = ctx_.sessions.with_connection(ctx_.spec.master.name, Clock::now(), [&](Connection& c) {
      auto stream = read_replica_stream(ctx_, c, replica);
      if (!stream) return stream.status();
      seen = is_healthy(*stream, ctx_.spec.replication.slots) ? engine::kStreaming : stream->state;
      if (seen == engine::kStreaming || !stream->slot_active.has_value() || *stream->slot_active)
        return Status::ok();
      seen += " (slot inactive)";
      return Status::ok();
    });
    return asked ? seen : "unknown (the master cannot be asked)";
  }

  Result<LiveResource> to_live(const docker::ContainerInfo& info) {
    LiveResource live{info.id, {}, {}};
    std::string tag = label(info, kImageLabel);
    auto image = ctx_.docker.image(tag);
    if (!image) return image.status();
    bool current = image->has_value() && (*image)->id == info.image_id;
    live.attributes[attr::kName] = info.name;
    live.attributes[attr::kImage] = current ? tag : tag + " (the container runs an older image)";
    live.attributes[attr::kVolume] = info.volumes.empty() ? "(none)" : info.volumes.front();
    live.attributes[attr::kNetwork] = info.networks.empty() ? "(none)" : info.networks.front();
    live.attributes[attr::kPublish] =
        info.published ? info.published->host_ip + ":" + std::to_string(info.published->host_port) : "(none)";
    live.attributes[attr::kRole] = label(info, kRoleLabel);
    live.attributes[attr::kCommand] = label(info, kCommandLabel);
    live.attributes[attr::kState] = info.state;
    return live;
  }

  docker::ContainerConfig container_config(const std::string& node, const Address& address) const {
    const spec::NodeSpec& spec_node = node_spec(ctx_.spec, node);
    const std::string script = engine::node_boot_script(ctx_.spec, spec_node);
    docker::ContainerConfig config;
    config.name = engine::docker_name(ctx_.spec.name, node);
    config.image = ctx_.spec.images.at(spec_node.image).tag;
    config.cmd = {"/bin/sh", "-c", script};
    config.labels = ctx_.docker.labels_for(address.to_string());
    config.labels[kRoleLabel] = node == ctx_.spec.master.name ? "master" : "replica";
    config.labels[kImageLabel] = config.image;
    config.labels[kCommandLabel] = engine::text_digest(script);
    config.mounts = {{engine::docker_name(ctx_.spec.name, spec_node.volume), engine::kDataMount}};
    config.container_port = engine::kPostgresPort;
    config.publish = docker::PortBinding{spec_node.publish.host_ip, spec_node.publish.port};
    config.network = engine::docker_name(ctx_.spec.name, ctx_.spec.network.name);
    config.network_aliases = {node};
    config.stop_timeout_seconds = 60;
    return config;
  }

  // What a new data directory starts with, handed over before the first
  // start and deleted by the container once used (or not needed).
  std::vector<docker::ArchiveFile> initial_files() const {
    const std::string init = std::string(engine::kStagingDir).substr(1) + "/init";
    return {{init + "/pg_hba.conf", engine::render_own_hba_rules(ctx_.spec), 0644},
            {init + "/pgdecl.conf", engine::render_owned_settings(ctx_.spec, ctx_.spec.master), 0644},
            {init + "/superuser.password", ctx_.sessions.password().reveal() + "\n", 0600}};
  }

  Result<std::string> create(const std::string& node, const Address& address) {
    auto& client = ctx_.docker.client();
    if (is_replica(node) && !ctx_.master_started.pass(std::chrono::seconds(10))) {
      spdlog::debug("{}: the master's container has not started after 10 s; starting the replica's anyway",
                    node);
    }
    auto id = client.create_container(container_config(node, address));
    if (!id) return id.status();
    // A replica's data and config come from its bootstrap, never from here.
    Status started = is_replica(node) ? Status::ok() : client.upload_archive(*id, "/", initial_files());
    if (started) started = client.start_container(*id);
    if (!started) {
      // A container that never ran still holds the initial password: it
      // goes, and the next apply makes a new one.
      client.remove_container(*id, true);
      ctx_.docker.invalidate();
      return started;
    }
    return *id;
  }

  Status remove(const LiveResource& live, const std::string& node) {
    auto& client = ctx_.docker.client();
    ctx_.sessions.invalidate(node);
    auto stopped = client.stop_container(live.id, 60);
    if (!stopped && stopped.code() != Status::Code::kNotFound) return stopped;
    auto removed = client.remove_container(live.id, true);
    ctx_.docker.invalidate();
    if (!removed && removed.code() != Status::Code::kNotFound) return removed;
    return Status::ok();
  }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_node_container_provider(NodeContext& context) {
  return std::make_unique<NodeContainerProvider>(context);
}

}  // namespace pgdecl::pg
