#include "providers/postgres/node/replica_health.h"

#include <thread>

#include "cluster/layout/naming.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/node/replica_log.h"

namespace pgdecl::pg {
namespace {

constexpr int kLogLines = 8;

// The reason in the replica's own words, when its log gives one; a
// replica that needs WAL the master has removed is told how to get out.
std::string replica_says(NodeContext& context, const std::string& replica, const std::string& container_id) {
  auto complaint = read_streaming_complaint(context.docker.client(), container_id);
  if (!complaint) return "";
  std::string text = "; " + replica + " says: " + *complaint;
  if (complaint->find("has already been removed") != std::string::npos) {
    text += "\n" + replica +
            " needs WAL the master no longer has and can never catch up: pgdecl apply --replace pg_replica." +
            replica + " copies it again";
  }
  return text;
}

std::string describe(const ReplicaStream& stream) {
  std::string text = stream.state;
  if (stream.lag_bytes) text += ", " + std::to_string(*stream.lag_bytes) + " bytes behind";
  if (stream.slot_active) text += *stream.slot_active ? ", slot active" : ", slot inactive";
  return text;
}

}  // namespace

Result<ReplicaStream> read_replica_stream(NodeContext& context, SqlSession& master,
                                          const std::string& replica) {
  auto replication = context.master_replication.get(master);
  if (!replication) return replication.status();
  return replication->stream_of(replica);
}

bool is_healthy(const ReplicaStream& stream, bool slots) {
  if (stream.state != "streaming") return false;
  if (slots && stream.slot_active != true) return false;
  return stream.lag_bytes && *stream.lag_bytes < kHealthyLagBytes;
}

Status wait_until_streaming(NodeContext& context, const std::string& replica, const std::string& container_id,
                            const StopWaiting& stop) {
  const auto deadline = Clock::now() + context.ready_timeout;
  const bool slots = context.spec.replication.slots;
  auto interval = kFirstPoll;
  ReplicaStream last;
  while (true) {
    Status asked =
        context.sessions.with_connection(context.spec.primary().name, deadline, [&](SqlSession& c) {
          auto stream = read_replica_stream(context, c, replica);
          if (!stream) return stream.status();
          last = *stream;
          return Status::ok();
        });
    if (!asked) return asked.with_context("asking the master how " + replica + " streams");
    if (is_healthy(last, slots)) return Status::ok();
    if (stop && stop()) return Status::failed("stopped waiting for " + replica + " to stream");
    auto container = context.docker.client().inspect_container(container_id);
    if (container && container->has_value() && !(*container)->running()) {
      return Status::failed(replica + " stopped before it streamed from the master" +
                            replica_says(context, replica, container_id) + "\nits last words:\n" +
                            last_log_lines(context.docker.client(), container_id, kLogLines));
    }
    if (Clock::now() + interval >= deadline) {
      return Status::timeout(replica + " is not streaming from the master within " +
                             std::to_string(context.ready_timeout.count()) +
                             "s (apply --timeout): the master sees it " + describe(last) +
                             replica_says(context, replica, container_id) + "\nits last log lines:\n" +
                             last_log_lines(context.docker.client(), container_id, kLogLines));
    }
    std::this_thread::sleep_for(interval);
    interval = std::min(interval * 2, kLongestPoll);
  }
}

Status wait_until_caught_up(NodeContext& context, const std::string& replica) {
  const auto deadline = Clock::now() + context.ready_timeout;
  const std::string& master = context.spec.primary().name;
  std::string target;
  Status asked = context.sessions.with_connection(master, deadline, [&](SqlSession& c) {
    auto rows = c.query("SELECT pg_current_wal_lsn()::text");
    if (!rows) return rows.status();
    target = rows->rows.at(0).at(0).value_or("");
    return Status::ok();
  });
  if (!asked) return asked;
  auto interval = kFirstPoll;
  while (true) {
    bool caught_up = false;
    asked = context.sessions.with_connection(master, deadline, [&](SqlSession& c) {
      auto rows = c.query(
          "SELECT coalesce(bool_or(replay_lsn >= $2::pg_lsn), false)::text FROM pg_stat_replication "
          "WHERE application_name = $1",
          {replica, target});
      if (!rows) return rows.status();
      caught_up = rows->rows.at(0).at(0) == "true";
      return Status::ok();
    });
    if (!asked) return asked;
    if (caught_up) return Status::ok();
    if (Clock::now() + interval >= deadline) {
      return Status::timeout(replica + " did not replay the master's WAL up to " + target + " in time");
    }
    std::this_thread::sleep_for(interval);
    interval = std::min(interval * 2, kLongestPoll);
  }
}

Status wait_until_replicas_stream(NodeContext& context, const StopWaiting& stop) {
  context.docker.invalidate();
  for (const auto* replica : context.spec.replica_nodes()) {
    auto container = context.docker.container(replica->name);
    if (!container) return container.status();
    if (!container->has_value()) return Status::failed(replica->name + " has no container");
    if (auto s = wait_until_streaming(context, replica->name, (*container)->id, stop); !s) return s;
  }
  return Status::ok();
}

}  // namespace pgdecl::pg
