#include "providers/postgres/ha/primary_update.h"

#include <spdlog/spdlog.h>

#include "providers/postgres/ha/switchover.h"
#include "providers/postgres/node/replica_health.h"

namespace pgdecl::pg {
namespace {

// The first replica, in the spec's order, the primary sees healthy.
std::optional<std::string> streaming_replica(NodeContext& context) {
  std::optional<std::string> found;
  context.sessions.with_connection(context.spec.primary().name, Clock::now(), [&](SqlSession& c) -> Status {
    for (const spec::NodeSpec* replica : context.spec.replica_nodes()) {
      auto stream = read_replica_stream(context, c, replica->name);
      if (stream && is_healthy(*stream, context.spec.replication.slots)) {
        found = replica->name;
        break;
      }
    }
    return Status::ok();
  });
  return found;
}

}  // namespace

std::optional<Status> with_writes_moved_away(NodeContext& context, const std::function<Status()>& change) {
  if (context.spec.ha.primary_update != spec::PrimaryUpdate::kSwitchover) return std::nullopt;
  const std::string primary = context.spec.primary().name;
  const auto target = streaming_replica(context);
  if (!target) return std::nullopt;
  spdlog::info("{}: writes move to {} while it changes", primary, *target);
  if (Status away = switch_over(context, *target); !away)
    return away.with_context("moving writes to " + *target);
  if (Status changed = change(); !changed) {
    return changed.with_context(primary + " (a replica of " + *target +
                                " meanwhile, which takes the writes)");
  }
  Status back = switch_over(context, primary);
  return back ? back
              : back.with_context("moving writes back to " + primary + " (" + *target + " takes them)");
}

}  // namespace pgdecl::pg
