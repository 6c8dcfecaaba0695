#include <thread>

#include "providers/postgres/node/node_context.h"
#include "providers/postgres/node/node_providers.h"
#include "providers/postgres/node/node_readiness.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

// pg_connection.<node>: the node's one connection for this run. What runs
// on a node (its settings, its hba, roles, databases, slots) depends on it,
// so apply opens it once the server accepts connections, and those steps
// share it.
class ConnectionGate : public engine::ResourceProvider {
 public:
  explicit ConnectionGate(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kConnection; }
  bool is_gate() const override { return true; }

  Result<std::optional<LiveResource>> read(const Address&) override { return std::optional<LiveResource>(); }

  PlannedChange plan(const Address& address, const engine::DesiredResource*,
                     const LiveResource*) const override {
    PlannedChange none;
    none.address = address;
    return none;
  }

  // Waits until the server accepts connections, with the container's last
  // log lines when it stops first, and until no statement of an earlier
  // run is still at work there.
  ApplyOutcome apply(const PlannedChange& change) override {
    auto container_id = node_container_id(ctx_, change.address.name);
    if (!container_id) return {container_id.status(), std::nullopt};
    Status ready = wait_until_ready(ctx_, change.address.name, *container_id);
    if (ready) ready = wait_for_stray_statements(change.address.name);
    return {ready, std::nullopt};
  }

 private:
  // A pgdecl killed in the middle of a statement (CREATE DATABASE, say)
  // leaves its server-side backend at work until the statement ends; a
  // change made meanwhile would race it (and fail on a database that
  // appears under it). Such a statement is waited for.
  Status wait_for_stray_statements(const std::string& node) {
    const auto deadline = Clock::now() + ctx_.ready_timeout;
    std::string busy;
    auto interval = kFirstPoll;
    while (true) {
      Status asked = ctx_.sessions.with_connection(node, deadline, [&](SqlSession& c) {
        auto rows = c.query(
            "SELECT pid::text || ' (since ' || query_start::text || '): ' || left(query, 60) "
            "FROM pg_stat_activity WHERE application_name = 'pgdecl' AND pid <> pg_backend_pid() "
            "AND state = 'active' LIMIT 1");
        if (!rows) return rows.status();
        busy = rows->rows.empty() ? "" : rows->rows.at(0).at(0).value_or("");
        return Status::ok();
      });
      if (!asked || busy.empty()) return asked;
      if (Clock::now() + interval >= deadline) {
        return Status::timeout("a statement of an earlier pgdecl run is still at work on " + node +
                               ": backend " + busy);
      }
      std::this_thread::sleep_for(interval);
      interval = std::min(interval * 4, std::chrono::milliseconds(200));
    }
  }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_connection_gate(NodeContext& context) {
  return std::make_unique<ConnectionGate>(context);
}

}  // namespace pgdecl::pg
