#include <spdlog/spdlog.h>

#include <algorithm>

#include "cluster/desired/desired.h"
#include "cluster/layout/naming.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"
#include "engine/model/details.h"
#include "providers/postgres/node/container_common.h"
#include "providers/postgres/node/node_context.h"
#include "providers/postgres/node/node_providers.h"
#include "providers/postgres/node/node_readiness.h"
#include "providers/postgres/node/published_address.h"
#include "providers/postgres/node/replica_data.h"
#include "providers/postgres/node/replica_health.h"
#include "providers/postgres/node/replica_log.h"
#include "providers/postgres/node/start_gate.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;
namespace attr = engine::attr;

// What a running replica that does not stream says about why, for the plan
// (its details).
struct ContainerFindings {
  std::string complaint;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ContainerFindings, complaint)

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
            // Read from the cluster, never from the container: a switchover
            // changes it without making the container again.
            {attr::kRole, {ChangeKind::kUpdateInPlace, "the node's role is {before}, not {after}"}},
            {attr::kCommand, {ChangeKind::kReplace, "the container's start command changes"}},
            {attr::kState, {ChangeKind::kUpdateInPlace, "the container is {before}, not running"}},
            {attr::kRestartPolicy,
             {ChangeKind::kUpdateInPlace,
              "the container's restart policy is {before}, not {after}: it would stay down when the "
              "Docker engine restarts"}},
            {attr::kReplication,
             {ChangeKind::kUpdateInPlace, "the master does not see this replica streaming ({before})"}}};
  }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto info = ctx_.docker.container(address.name);
    if (!info) return info.status();
    if (!info->has_value()) return std::optional<LiveResource>();
    auto live = to_live(**info);
    if (!live) return live.status();
    live->attributes[attr::kRole] =
        spec::role_name(is_replica(address.name) ? spec::NodeRole::kReplica : spec::NodeRole::kMaster);
    if (auto published = published_address(**info)) ctx_.sessions.set_endpoint(address.name, *published);
    if ((*info)->running() && (*info)->published) {
      if (auto identifier = ctx_.sessions.system_identifier(address.name))
        live->attributes[attr::kSystemIdentifier] = *identifier;
    }
    if (is_replica(address.name)) {
      const std::string seen = replication_seen((*info)->running(), address.name);
      live->attributes[attr::kReplication] = seen;
      if ((*info)->running() && seen != engine::kStreaming) {
        if (auto complaint = read_streaming_complaint(ctx_.docker.client(), (*info)->id))
          engine::set_details(*live, ContainerFindings{*complaint});
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
        // What lives in the master's data is put there again, and the
        // replicas follow it: the plan shows each.
        change.remakes_data = true;
      }
    }
    const std::string complaint = live ? engine::details_of<ContainerFindings>(*live).complaint : "";
    if (complaint.empty()) return change;
    for (const auto& changed : change.changes) {
      if (changed.name == attr::kReplication) {
        change.reasons.push_back(address.name + " says: " + complaint);
        break;
      }
    }
    return change;
  }

  // What this apply does beyond one container: whether it starts the
  // master's (the replicas' containers it starts wait for that), and which
  // replicas' pg_replica step mends their data or password file, or
  // refuses to copy over their data (their containers do not wait for
  // them to stream: that step does, or the apply's last check).
  void begin_apply(const engine::Plan& plan) override {
    replicas_mended_.clear();
    primary_last_.clear();
    for (const auto& change : plan.changes) {
      if (change.address.type == resource_type::kContainer && makes_new_data(change) &&
          !is_replica(change.address.name) && !after_replica_containers(plan, change.address)) {
        master_started_.arm();
      }
      if (change.address.type == resource_type::kContainer && !is_replica(change.address.name) &&
          after_replica_containers(plan, change.address))
        primary_last_.insert(change.address.name);
      if (change.address.type == resource_type::kReplica && change.is_change())
        replicas_mended_.insert(change.address.name);
    }
  }

  // The primary's container made again last, after the replicas' (a new
  // image): with writes moved to a replica meanwhile, as the spec says.
  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kReplace && !is_replica(change.address.name) &&
        primary_last_.count(change.address.name) && ctx_.move_writes_away) {
      std::optional<LiveResource> made;
      auto moved = ctx_.move_writes_away([&] {
        ApplyOutcome outcome = apply_here(change);
        made = outcome.live;
        return outcome.status;
      });
      if (moved) {
        auto live = read(change.address);
        return {*moved, live && *live ? *live : made};
      }
    }
    return apply_here(change);
  }

 private:
  ApplyOutcome apply_here(const PlannedChange& change) {
    const std::string node = change.address.name;
    if (makes_new_data(change)) ctx_.sessions.expect_system_identifier(node, std::nullopt);
    if (change.action == engine::Action::kDelete || change.action == engine::Action::kReplace) {
      if (auto s = remove(*change.before, node); !s) {
        if (!is_replica(node)) master_started_.open();
        return {s, change.before};
      }
      if (change.action == engine::Action::kDelete) return {Status::ok(), std::nullopt};
    }
    std::string id;
    if (change.action == engine::Action::kUpdate) {
      id = change.before->id;
      auto& client = ctx_.docker.client();
      if (auto s = give_restart_policy(*change.before); !s) return {s, change.before};
      const bool paused = change.before->attributes.count(attr::kState) &&
                          change.before->attributes.at(attr::kState) == "paused";
      if (auto s = paused ? client.unpause_container(id) : client.start_container(id); !s)
        return {s, change.before};
    } else {
      auto created = create(node, change.address);
      if (!is_replica(node)) master_started_.open();
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
    // A replica whose pg_replica step this apply takes streams, if ever,
    // after that step.
    if (ready && is_replica(node) && !replicas_mended_.count(node))
      ready = wait_until_streaming(ctx_, node, id);
    auto live = read(change.address);
    std::optional<LiveResource> known = live ? *live : std::nullopt;
    return {ready, known};
  }

  bool is_replica(const std::string& node) const { return !ctx_.spec.is_master(node); }

  // The master's container replaced last, after the replicas' (a rolling
  // image update): they do not wait for it.
  static bool after_replica_containers(const engine::Plan& plan, const Address& master) {
    auto edges = plan.order.find(master.to_string());
    if (edges == plan.order.end()) return false;
    // A replica's last step down: its container, or its restart after it.
    return std::any_of(edges->second.begin(), edges->second.end(), [&](const std::string& address) {
      auto step = Address::parse(address);
      return step && step->name != master.name &&
             (step->type == resource_type::kContainer || step->type == resource_type::kSettings);
    });
  }

  // A container made before nodes had a restart policy gets it in place:
  // Docker changes it without stopping the server.
  Status give_restart_policy(const LiveResource& live) {
    auto policy = live.attributes.find(attr::kRestartPolicy);
    if (policy != live.attributes.end() && policy->second == engine::kNodeRestartPolicy) return Status::ok();
    return ctx_.docker.client().update_restart_policy(live.id, engine::kNodeRestartPolicy);
  }

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
    Status asked = ctx_.sessions.with_connection(ctx_.spec.primary().name, Clock::now(), [&](SqlSession& c) {
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
    auto image = image_shown(ctx_.docker, info);
    if (!image) return image.status();
    live.attributes[attr::kName] = info.name;
    live.attributes[attr::kImage] = *image;
    live.attributes[attr::kVolume] = info.volumes.empty() ? "(none)" : info.volumes.front();
    live.attributes[attr::kNetwork] = info.networks.empty() ? "(none)" : info.networks.front();
    live.attributes[attr::kPublish] =
        info.published ? info.published->host_ip + ":" + std::to_string(info.published->host_port) : "(none)";
    live.attributes[attr::kCommand] = label_of(info, kCommandLabel);
    live.attributes[attr::kState] = info.state;
    auto policy = restart_policy_of(info);
    if (!policy) return policy.status();
    live.attributes[attr::kRestartPolicy] = *policy;
    return live;
  }

  // A container list does not show it: asked of the container itself.
  Result<std::string> restart_policy_of(const docker::ContainerInfo& info) {
    if (!info.restart_policy.empty()) return info.restart_policy;
    auto inspected = ctx_.docker.client().inspect_container(info.id);
    if (!inspected) return inspected.status();
    if (!inspected->has_value()) return std::string("(the container is gone)");
    return (*inspected)->restart_policy;
  }

  docker::ContainerConfig container_config(const std::string& node, const Address& address) const {
    const spec::NodeSpec& spec_node = node_spec(ctx_.spec, node);
    const std::string script = engine::node_boot_script(ctx_.spec);
    docker::ContainerConfig config;
    config.name = engine::docker_name(ctx_.spec.name, node);
    config.image = ctx_.spec.images.at(spec_node.image).tag;
    config.cmd = {"/bin/sh", "-c", script};
    config.labels = ctx_.docker.labels_for(address.to_string());
    config.labels[kImageLabel] = config.image;
    config.labels[kCommandLabel] = engine::text_digest(script);
    config.mounts = {{engine::docker_name(ctx_.spec.name, spec_node.volume), engine::kDataMount}};
    config.container_port = engine::kPostgresPort;
    config.publish = docker::PortBinding{spec_node.publish.host_ip, spec_node.publish.port};
    config.network = engine::docker_name(ctx_.spec.name, ctx_.spec.network.name);
    config.network_aliases = {node};
    if (!is_replica(node)) config.network_aliases.push_back(engine::read_write_alias(ctx_.spec.name));
    config.stop_timeout_seconds = 60;
    config.restart_policy = engine::kNodeRestartPolicy;
    return config;
  }

  // What a new data directory starts with, handed over before the first
  // start and deleted by the container once used (or not needed).
  std::vector<docker::ArchiveFile> initial_files() const {
    const std::string init = std::string(engine::kStagingDir).substr(1) + "/init";
    return {{init + "/pg_hba.conf", engine::render_own_hba_rules(ctx_.spec), 0644},
            {init + "/pgdecl.conf", engine::render_owned_settings(ctx_.spec, ctx_.spec.primary()), 0644},
            {init + "/superuser.password", ctx_.sessions.password().reveal() + "\n", 0600}};
  }

  Result<std::string> create(const std::string& node, const Address& address) {
    auto& client = ctx_.docker.client();
    if (is_replica(node) && !master_started_.pass(std::chrono::seconds(10))) {
      spdlog::debug("{}: the master's container has not started after 10 s; starting the replica's anyway",
                    node);
    }
    if (auto s = check_what_it_uses(node); !s) return s;
    if (!is_replica(node) && ctx_.spec.restore.declared && ctx_.restore_primary) {
      if (auto s = ctx_.restore_primary(node); !s) return s.with_context("restoring " + node + "'s data");
    }
    auto id = client.create_container(container_config(node, address));
    if (!id) return refusal_at_name(ctx_, id.status(), engine::docker_name(ctx_.spec.name, node), address);
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

  // Docker would make a missing volume on mount, unlabelled: a node
  // container is made only on the volume and network pgdecl made for it.
  Status check_what_it_uses(const std::string& node) {
    if (auto s = ctx_.docker.check_volume_before_mount(node_spec(ctx_.spec, node).volume); !s) return s;
    return ctx_.docker.check_network_before_use(ctx_.spec.network.name);
  }

  Status remove(const LiveResource& live, const std::string& node) {
    ctx_.sessions.invalidate(node);
    return stop_and_remove(ctx_, live.id, 60);
  }

  NodeContext& ctx_;
  StartGate master_started_;
  std::set<std::string> replicas_mended_;
  std::set<std::string> primary_last_;  // the primary, when its container is made again after the replicas
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_node_container_provider(NodeContext& context) {
  return std::make_unique<NodeContainerProvider>(context);
}

}  // namespace pgdecl::pg
