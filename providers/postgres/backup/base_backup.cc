#include "providers/postgres/backup/base_backup.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <sstream>

#include "cluster/archive/retention.h"
#include "cluster/layout/naming.h"
#include "cluster/render/archive_scripts.h"
#include "cluster/render/replica_config.h"
#include "providers/postgres/backup/archive_helper.h"
#include "providers/postgres/node/helper_container.h"
#include "providers/postgres/node/replica_health.h"

namespace pgdecl::pg {
namespace {

std::string backup_id_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char out[20];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &utc);
  return out;
}

// Helpers a listing may run beside another (a plan beside a backup) each
// take a name of their own.
std::string listing_name(const spec::ClusterSpec& spec) {
  static int listings = 0;
  return engine::docker_name(spec.name,
                             "archive-list-" + std::to_string(::getpid()) + "-" + std::to_string(++listings));
}

// The helper's "backup {...}" line, read as a listing reads it.
std::optional<engine::BackupRecord> record_in(const std::string& output) {
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("backup {", 0) != 0) continue;
    auto listing = engine::parse_archive_listing(line);
    if (listing && !listing->backups.empty()) return listing->backups.front();
  }
  return std::nullopt;
}

// The replica's restartpoints follow the primary's checkpoints: a backup
// of the replica starts at the last one it replayed.
void checkpoint_primary(NodeContext& context) {
  Status done =
      context.sessions.with_connection(context.spec.primary().name, Clock::now() + context.ready_timeout,
                                       [](SqlSession& c) { return c.execute("CHECKPOINT"); });
  if (!done) spdlog::warn("the primary did not take a checkpoint before the backup: {}", done.message());
}

}  // namespace

Result<engine::ArchiveListing> read_archive(NodeContext& context, bool verify, std::chrono::seconds timeout) {
  docker::ContainerConfig config;
  config.name = listing_name(context.spec);
  config.image = context.spec.images.at(context.spec.primary().image).tag;
  config.cmd = {"/bin/sh", "-c",
                verify ? engine::verify_and_list_script() : engine::archive_listing_script()};
  config.network = "none";
  auto run = run_archive_helper(context, kListHelper, config, {}, verify, timeout);
  if (!run) return run.status();
  if (run->exit_code != 0)
    return Status::failed("reading the archive failed (exit code " + std::to_string(run->exit_code) + "):\n" +
                          last_lines(run->output, 20));
  return engine::parse_archive_listing(run->output);
}

Result<std::vector<std::string>> apply_retention(NodeContext& context) {
  auto archive = read_archive(context);
  if (!archive) return archive.status();
  const auto decision = engine::decide_retention(*archive, context.spec.backup.retention,
                                                 static_cast<double>(std::time(nullptr)));
  if (decision.remove.empty() && !decision.oldest_needed_segment) return decision.remove;
  docker::ContainerConfig config;
  config.name = listing_name(context.spec);
  config.image = context.spec.images.at(context.spec.primary().image).tag;
  config.cmd = {"/bin/sh", "-c",
                engine::prune_script(decision.remove, decision.oldest_needed_segment.value_or(""))};
  config.network = "none";
  auto run = run_archive_helper(context, kListHelper, config, {}, true, std::chrono::seconds(600));
  if (!run) return run.status();
  if (run->exit_code != 0)
    return Status::failed("removing what retention no longer keeps failed:\n" + last_lines(run->output, 20));
  return decision.remove;
}

Result<std::string> backup_source(NodeContext& context, const std::optional<std::string>& asked) {
  const spec::ClusterSpec& spec = context.spec;
  if (asked) {
    if (!spec.find_node(*asked))
      return Status::invalid_argument("--from " + *asked + ": the spec has no such node");
    return *asked;
  }
  if (spec.backup.from == spec::BackupSource::kPrimary) return spec.primary().name;
  std::optional<std::string> streaming;
  Status asked_primary = context.sessions.with_connection(
      spec.primary().name, Clock::now() + context.ready_timeout, [&](SqlSession& c) -> Status {
        for (const spec::NodeSpec* replica : spec.replica_nodes()) {
          auto stream = read_replica_stream(context, c, replica->name);
          if (!stream) return stream.status();
          if (is_healthy(*stream, spec.replication.slots)) {
            streaming = replica->name;
            break;
          }
        }
        return Status::ok();
      });
  if (!asked_primary) return asked_primary.with_context("choosing the node to back up");
  if (streaming) return *streaming;
  spdlog::warn("no replica streams: the backup is copied from the primary {}", spec.primary().name);
  return spec.primary().name;
}

Result<engine::BackupRecord> take_base_backup(NodeContext& context, const std::string& node,
                                              std::chrono::seconds timeout) {
  const spec::ClusterSpec& spec = context.spec;
  auto password = replication_password(context);
  if (!password) return password.status();
  if (node != spec.primary().name) checkpoint_primary(context);
  const std::string id = backup_id_now();
  docker::ContainerConfig config;
  config.name = engine::docker_name(spec.name, "backup");
  config.image = spec.images.at(node_spec(spec, node).image).tag;
  config.cmd = {"/bin/sh", "-c", engine::base_backup_script(spec, node, id)};
  config.network = engine::docker_name(spec.name, spec.network.name);
  config.stop_signal = "SIGTERM";
  const std::vector<docker::ArchiveFile> files{
      {std::string(engine::kBackupPassfile).substr(1),
       engine::replication_passfile(spec.replication.user, (*password)->reveal()), 0600}};
  auto run = run_archive_helper(context, kBackupHelper, config, files, true, timeout);
  if (!run) return run.status();
  auto record = record_in(run->output);
  if (run->exit_code == 0 && record) return *record;
  if (record && !record->verified)
    return Status::failed("backup " + record->id + " of " + node +
                          " failed verification by pg_verifybackup: " + record->problem);
  return Status::failed("the backup of " + node + " failed (exit code " + std::to_string(run->exit_code) +
                        "):\n" + last_lines(run->output, 20));
}

}  // namespace pgdecl::pg
