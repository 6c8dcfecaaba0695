#include "providers/postgres/node/node_readiness.h"

#include "cluster/layout/naming.h"
#include "providers/postgres/node/published_address.h"
#include "providers/postgres/node/replica_log.h"

namespace pgdecl::pg {

const spec::NodeSpec& node_spec(const spec::ClusterSpec& spec, const std::string& node) {
  const spec::NodeSpec* found = spec.find_node(node);
  return found ? *found : spec.primary();
}

Status wait_until_ready(NodeContext& context, const std::string& node, const std::string& container_id) {
  auto& client = context.docker.client();
  auto info = client.inspect_container(container_id);
  if (!info) return info.status();
  if (!info->has_value() || !(*info)->published) {
    return Status::failed("container of node " + node + " has no published port");
  }
  // Where Docker published it now: a port it picked is new at each start.
  context.sessions.set_endpoint(
      node, NodeAddress{reachable_host((*info)->published->host_ip), (*info)->published->host_port});
  context.sessions.ask_again(node);
  auto still_running = [&]() -> Status {
    auto now = client.inspect_container(container_id);
    if (!now || !now->has_value() || (*now)->running()) return Status::ok();
    return Status::failed("the container stopped (" + (*now)->state +
                          ") before PostgreSQL was ready; its last log lines:\n" +
                          last_log_lines(client, container_id, 20));
  };
  auto deadline = Clock::now() + context.ready_timeout;
  return context.sessions.with_connection(
      node, deadline, [](SqlSession& c) { return c.execute("SELECT 1"); }, still_running);
}

Status restart_node(NodeContext& context, const std::string& node, const std::string& container_id) {
  auto& client = context.docker.client();
  context.sessions.invalidate(node);
  if (auto s = client.stop_container(container_id, 60); !s) return s;
  if (auto s = client.start_container(container_id); !s) return s;
  context.docker.invalidate();
  return wait_until_ready(context, node, container_id);
}

Result<std::string> node_container_id(NodeContext& context, const std::string& node) {
  auto info = context.docker.container(node);
  if (!info) return info.status();
  if (!info->has_value()) return Status::not_found("the container of node " + node + " does not exist");
  return (*info)->id;
}

}  // namespace pgdecl::pg
