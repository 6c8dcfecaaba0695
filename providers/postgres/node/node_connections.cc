#include "providers/postgres/node/node_connections.h"

#include "cluster/layout/naming.h"
#include "providers/postgres/node/published_address.h"

namespace pgdecl::pg {

NodeConnectionOpeners::NodeConnectionOpeners(NodeContext& context) {
  for (const auto* spec_node : context.spec.nodes()) {
    const std::string& node = spec_node->name;
    auto container = context.docker.container(node);
    if (!container || !container->has_value()) continue;
    const docker::ContainerInfo& info = **container;
    auto published = published_address(info);
    if (!published) continue;
    context.sessions.set_endpoint(node, *published);
    openers_.emplace_back([&context, node] {
      context.sessions.with_connection(node, Clock::now(), [](SqlSession&) { return Status::ok(); });
    });
  }
}

NodeConnectionOpeners::~NodeConnectionOpeners() {
  for (auto& opener : openers_) opener.join();
}

}  // namespace pgdecl::pg
