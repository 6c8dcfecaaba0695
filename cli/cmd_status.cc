#include <iostream>

#include "cli/app.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"
#include "cli/status_render.h"
#include "providers/postgres/replication/cluster_status.h"

namespace pgdecl::cli {
namespace {

// Neither 1 (error) nor 2 (plan's "there are changes"): the cluster could
// be read, and it is not healthy.
constexpr int kExitUnhealthy = 3;

}  // namespace

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
  std::cout << (options.json ? render_status_json(*status) : render_status_text(*status));
  return pg::health_problems(*status).empty() ? kExitOk : kExitUnhealthy;
}

}  // namespace pgdecl::cli
