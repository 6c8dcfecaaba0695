#include "providers/postgres/node_readiness.h"
#include "providers/postgres/resource_providers.h"

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
  // log lines when it stops first.
  ApplyOutcome apply(const PlannedChange& change) override {
    auto container_id = node_container_id(ctx_, change.address.name);
    if (!container_id) return {container_id.status(), std::nullopt};
    return {wait_until_ready(ctx_, change.address.name, *container_id), std::nullopt};
  }

 private:
  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_connection_gate(NodeContext& context) {
  return std::make_unique<ConnectionGate>(context);
}

}  // namespace pgdecl::pg
