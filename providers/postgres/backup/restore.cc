#include "providers/postgres/backup/restore.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cluster/archive/restore_choice.h"
#include "cluster/layout/naming.h"
#include "cluster/render/archive_scripts.h"
#include "cluster/render/postgres_config.h"
#include "providers/postgres/backup/archive_helper.h"
#include "providers/postgres/catalog/scram_verifier.h"
#include "providers/postgres/node/helper_container.h"

namespace pgdecl::pg {
namespace {

// Copying a large backup and replaying its WAL takes longer than a server
// takes to start (apply's --timeout).
constexpr std::chrono::hours kRestoreTimeout{1};
constexpr std::chrono::seconds kReadTimeout{600};
// PostgreSQL's own default, as every verifier pgdecl makes.
constexpr int kScramIterations = 4096;

std::string helper_owner(const std::string& node) {
  return std::string(resource_type::kContainer) + "." + node;
}

// The archive restored from, read-only: another cluster's volume by its
// Docker name, or a host directory.
docker::VolumeMount restore_mount(const spec::RestoreSpec& restore) {
  const bool bind = restore.volume.empty();
  return {bind ? restore.directory.string() : restore.volume, engine::kArchiveMount, bind, true};
}

// Docker would make an empty volume on mount: one that is not there is
// named instead.
Status check_restore_source(NodeContext& context) {
  const spec::RestoreSpec& restore = context.spec.restore;
  if (!restore.volume.empty()) {
    auto volume = context.docker.client().inspect_volume(restore.volume);
    if (!volume) return volume.status();
    if (!volume->has_value())
      return Status::failed("restore.volume " + restore.volume + ": Docker has no such volume");
    return Status::ok();
  }
  if (!std::filesystem::is_directory(restore.directory))
    return Status::failed("restore.directory " + restore.directory.string() + " is not a directory");
  return Status::ok();
}

docker::ContainerConfig helper_config(NodeContext& context, const std::string& name,
                                      const std::string& script) {
  docker::ContainerConfig config;
  config.name = engine::docker_name(context.spec.name, name);
  config.image = context.spec.images.at(context.spec.primary().image).tag;
  config.cmd = {"/bin/sh", "-c", script};
  config.network = "none";
  config.mounts = {restore_mount(context.spec.restore)};
  return config;
}

Result<engine::ArchiveListing> read_restore_archive(NodeContext& context, const std::string& node) {
  auto run = run_helper(context, helper_owner(node), kListHelper,
                        helper_config(context, node + "-restore-list", engine::archive_listing_script()), {},
                        {}, kReadTimeout);
  if (!run) return run.status();
  if (run->exit_code != 0)
    return Status::failed("reading the archive failed:\n" + last_lines(run->output, 20));
  return engine::parse_archive_listing(run->output);
}

// Checked again now, not only when it was taken: a disk may have changed
// it since.
Status verify_backup(NodeContext& context, const std::string& node, const std::string& id) {
  auto run = run_helper(context, helper_owner(node), kListHelper,
                        helper_config(context, node + "-restore-verify", engine::verify_backup_script(id)),
                        {}, {}, kRestoreTimeout);
  if (!run) return run.status();
  if (run->exit_code == 0) return Status::ok();
  return Status::failed("backup " + id +
                        " fails verification by pg_verifybackup now, so it is not restored from:\n" +
                        last_lines(run->output, 5));
}

Result<engine::RestoreChoice> choose(NodeContext& context, const std::string& node) {
  if (auto s = check_restore_source(context); !s) return s;
  auto archive = read_restore_archive(context, node);
  if (!archive) return archive.status();
  auto choice = engine::choose_restore(*archive, context.spec.restore);
  if (!choice) return choice.status();
  if (context.verified_backups.count(choice->backup.id)) return choice;
  if (auto s = verify_backup(context, node, choice->backup.id); !s) return s;
  context.verified_backups.insert(choice->backup.id);
  return choice;
}

std::string recovery_settings(const spec::RestoreSpec& restore) {
  switch (restore.target) {
    case spec::RecoveryTargetKind::kTime:
      return "-c " + engine::quote_shell("recovery_target_time=" + restore.target_time);
    case spec::RecoveryTargetKind::kLsn:
      return "-c " + engine::quote_shell("recovery_target_lsn=" + restore.target_lsn);
    case spec::RecoveryTargetKind::kEnd:
      break;
  }
  return "";
}

std::string quoted_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The restored data holds the old cluster's superuser password: the new
// cluster's, as a verifier made here, so the clear text goes nowhere.
Result<std::string> superuser_statement(NodeContext& context) {
  std::string salt(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
    return Status::failed("no random bytes for the superuser's password salt");
  const std::string verifier = build_scram_verifier(context.sessions.password(), salt, kScramIterations);
  return "ALTER ROLE " + quoted_identifier(context.spec.master.superuser.name) + " PASSWORD '" + verifier +
         "';\n";
}

Result<std::vector<docker::ArchiveFile>> staged_files(NodeContext& context, const std::string& node) {
  auto secrets = node_config_secrets(context, node);
  if (!secrets) return secrets.status();
  auto statement = superuser_statement(context);
  if (!statement) return statement.status();
  const std::string stage = std::string(engine::kRestoreStage).substr(1);
  const spec::NodeSpec& primary = node_spec(context.spec, node);
  return std::vector<docker::ArchiveFile>{
      {stage + "/pg_hba.conf", engine::render_own_hba_rules(context.spec), 0600},
      {stage + "/pgdecl.conf", engine::render_settings_file(context.spec, primary, &*secrets), 0600},
      {stage + "/superuser.sql", *statement, 0600}};
}

}  // namespace

Status plan_restore(NodeContext& context, engine::Plan& plan) {
  if (!context.spec.restore.declared) return Status::ok();
  const spec::NodeSpec& primary = context.spec.primary();
  const std::string volume = Address{resource_type::kVolume, primary.volume}.to_string();
  const std::string container = Address{resource_type::kContainer, primary.name}.to_string();
  const bool new_volume = std::any_of(plan.changes.begin(), plan.changes.end(), [&](const auto& change) {
    return change.address.to_string() == volume && change.action == engine::Action::kCreate;
  });
  if (!new_volume) return Status::ok();
  auto choice = choose(context, primary.name);
  if (!choice) return choice.status().with_context("restore");
  for (auto& change : plan.changes) {
    if (change.address.to_string() == container)
      change.reasons.push_back("its data is " + choice->description);
  }
  return Status::ok();
}

Status restore_primary(NodeContext& context, const std::string& node) {
  auto choice = choose(context, node);
  if (!choice) return choice.status();
  auto files = staged_files(context, node);
  if (!files) return files.status();
  const spec::NodeSpec& primary = node_spec(context.spec, node);
  docker::ContainerConfig config = helper_config(
      context, node + "-restore",
      engine::restore_script(context.spec, choice->backup.id, recovery_settings(context.spec.restore)));
  config.mounts.push_back({engine::docker_name(context.spec.name, primary.volume), engine::kDataMount});
  spdlog::info("{}: {}", node, choice->description);
  auto run = run_helper(context, helper_owner(node), kRestoreHelper, config, *files, {primary.volume},
                        kRestoreTimeout);
  if (!run) return run.status();
  if (run->exit_code != 0)
    return Status::failed("the restore failed (exit code " + std::to_string(run->exit_code) +
                          "); the volume is left empty for the next apply:\n" + last_lines(run->output, 25));
  // Its own milestones, for a timeline of where the time went.
  std::istringstream lines(run->output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("pgdecl: ", 0) == 0) spdlog::info("{}: {}", node, line.substr(8));
  }
  return Status::ok();
}

}  // namespace pgdecl::pg
