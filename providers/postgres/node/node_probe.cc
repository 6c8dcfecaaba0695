#include "providers/postgres/node/node_probe.h"

#include "cluster/layout/naming.h"
#include "engine/model/details.h"

namespace pgdecl::pg {
namespace {

// What stands for an object on a server that could not be asked.
struct NotAsked {
  std::string server_not_asked;  // why
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NotAsked, server_not_asked)

engine::LiveResource unknown(const std::string& why) {
  engine::LiveResource live;
  engine::set_details(live, NotAsked{why});
  return live;
}

}  // namespace

Result<std::optional<engine::LiveResource>> probe_node(NodeContext& context, const std::string& node,
                                                       const NodeReader& reader) {
  auto container = context.docker.container(node);
  if (!container) return container.status();
  if (!container->has_value()) {
    // A new node has nothing yet; a node whose container went away still
    // has its files in its volume, which only a server can read.
    auto volume = context.docker.volume(node_spec(context.spec, node).volume);
    if (!volume) return volume.status();
    if (!volume->has_value()) return std::optional<engine::LiveResource>();
    return std::optional<engine::LiveResource>(unknown("the node's container is not there"));
  }
  engine::LiveResource live;
  Status asked = context.sessions.with_connection(node, Clock::now(), [&](SqlSession& c) {
    auto read = reader(c);
    if (!read) return read.status();
    live = std::move(*read);
    return Status::ok();
  });
  if (asked.code() == Status::Code::kUnavailable)
    return std::optional<engine::LiveResource>(unknown(asked.message()));
  if (!asked) return asked;
  return std::optional<engine::LiveResource>(std::move(live));
}

Result<std::optional<engine::LiveResource>> probe_node_object(NodeContext& context, const std::string& node,
                                                              const ObjectReader& reader) {
  std::optional<engine::LiveResource> found;
  auto probed = probe_node(context, node, [&](SqlSession& c) -> Result<engine::LiveResource> {
    auto object = reader(c);
    if (!object) return object.status();
    found = std::move(*object);
    return engine::LiveResource{};
  });
  if (!probed) return probed;
  // The node answered: its answer stands, "no such object" included.
  if (probed->has_value() && !is_unknown(&**probed)) return found;
  return probed;
}

bool is_unknown(const engine::LiveResource* live) {
  return live && !engine::details_of<NotAsked>(*live).server_not_asked.empty();
}

engine::PlannedChange plan_unknown(const Address& address, const engine::DesiredResource* desired,
                                   const engine::LiveResource& live) {
  engine::PlannedChange change;
  change.address = address;
  change.action = desired ? engine::Action::kUpdate : engine::Action::kNoOp;
  change.before = live;
  if (desired) change.after = *desired;
  change.reasons.push_back("the server cannot be asked now, so this is checked again and applied once " +
                           std::string(resource_type::kContainer) + "." + address.name + " is up");
  return change;
}

engine::PlannedChange stays_with_node(engine::PlannedChange change) {
  if (change.action != engine::Action::kDelete) return change;
  change.action = engine::Action::kForget;
  change.reasons = {"it lives in the node's data directory, which stays with its volume"};
  return change;
}

}  // namespace pgdecl::pg
