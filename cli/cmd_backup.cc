#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/backup_render.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"
#include "providers/postgres/backup/base_backup.h"

namespace pgdecl::cli {
namespace {

// The spec must say where backups go: nothing is copied to a place the
// spec does not name.
bool has_backup_section(const spec::ClusterSpec& spec) {
  if (spec.backup.declared) return true;
  print_error(spec.file.string() +
              ": the spec has no backup section: declare one (see docs/SPEC.md) to say " +
              "where backups and the WAL archive are kept");
  return false;
}

// A session on a spec with a backup section; nullptr once the reason is
// printed.
std::unique_ptr<Session> open_archive_session(const Options& options) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec || !has_backup_section(*spec)) return nullptr;
  auto session = Session::open(*spec, options, Session::Access::kRead);
  if (!session) {
    print_error(session.status().message());
    return nullptr;
  }
  return std::move(*session);
}

}  // namespace

int command_backup(const Options& options) {
  auto session = open_archive_session(options);
  if (!session) return kExitError;
  pg::NodeContext& context = session->node_context();
  auto node = pg::backup_source(context, options.backup_from);
  if (!node) {
    print_error(node.status().message());
    return kExitError;
  }
  std::cerr << "Backing up " << *node << " into the archive...\n";
  auto record = pg::take_base_backup(context, *node, options.backup_timeout);
  if (!record) {
    print_error(record.status().message());
    return kExitError;
  }
  std::cout << (options.json ? nlohmann::json(backup_json(*record)).dump(2) + "\n" : backup_line(*record));
  auto removed = pg::apply_retention(context);
  if (!removed) {
    print_error("the backup is taken, but retention was not applied: " + removed.status().message());
    return kExitError;
  }
  for (const auto& id : *removed)
    std::cerr << "Retention removed backup " << id << " and the WAL only it needed.\n";
  return kExitOk;
}

int command_backups(const Options& options) {
  auto session = open_archive_session(options);
  if (!session) return kExitError;
  auto archive = pg::read_archive(session->node_context(), options.verify, options.backup_timeout);
  if (!archive) {
    print_error(archive.status().message());
    return kExitError;
  }
  std::cout << (options.json ? archive_json(*archive).dump(2) + "\n" : render_archive_text(*archive));
  return engine::archive_problems(*archive).empty() ? kExitOk : kExitUnhealthy;
}

}  // namespace pgdecl::cli
