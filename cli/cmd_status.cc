#include <iostream>

#include "cli/app.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"
#include "cli/status_render.h"
#include "providers/postgres/replication/cluster_status.h"

namespace pgdecl::cli {
int command_status(const Options& options) {
  auto spec = load_spec_reporting(options.spec_file);
  if (!spec) return kExitError;
  auto session = Session::open(*spec, options, Session::Access::kRead);
  if (!session) {
    print_error(session.status().message());
    return kExitError;
  }
  auto status = pg::read_cluster_status((*session)->node_context());
  if (!status) {
    print_error(status.status().message());
    return kExitError;
  }
  auto archive_status = pg::read_archive_status((*session)->node_context());
  if (!archive_status) {
    print_error(archive_status.status().message());
    return kExitError;
  }
  std::optional<ArchiveReport> archive;
  if (*archive_status) archive = ArchiveReport{std::move(**archive_status), spec->backup.synchronous};
  std::cout << (options.json ? render_status_json(*status, archive) : render_status_text(*status, archive));
  return status_problems(*status, archive).empty() ? kExitOk : kExitUnhealthy;
}

}  // namespace pgdecl::cli
