#include "providers/postgres/backup/archive_helper.h"

#include "cluster/layout/naming.h"
#include "providers/docker/run_identity.h"
#include "providers/postgres/backup/archive_access.h"
#include "providers/postgres/node/helper_container.h"

namespace pgdecl::pg {

std::string last_lines(const std::string& output, std::size_t count) {
  std::size_t at = output.size();
  for (std::size_t i = 0; i <= count && at != std::string::npos && at > 0; ++i)
    at = output.rfind('\n', at - 1);
  return at == std::string::npos ? output : output.substr(at + 1);
}

Result<HelperRun> run_archive_helper(NodeContext& context, const std::string& helper,
                                     docker::ContainerConfig config,
                                     const std::vector<docker::ArchiveFile>& files, bool writes,
                                     std::chrono::seconds timeout) {
  if (auto s = prepare_archive(context); !s) return s;
  config.mounts.push_back(archive_mount(context.spec, !writes));
  std::vector<std::string> volumes;
  if (!context.spec.backup.volume.empty()) volumes.push_back(context.spec.backup.volume);
  const std::string owner = std::string(resource_type::kArchiver) + "." + engine::kArchiverName;
  return run_helper(context, owner, helper, std::move(config), files, volumes, timeout);
}

Result<HelperRun> run_helper(NodeContext& context, const std::string& owner_address,
                             const std::string& helper, docker::ContainerConfig config,
                             const std::vector<docker::ArchiveFile>& files,
                             const std::vector<std::string>& volumes, std::chrono::seconds timeout) {
  auto id = create_helper_container_of(context, owner_address, helper, std::move(config), volumes);
  if (!id) return id.status();
  auto& client = context.docker.client();
  HelperRun run;
  Status ran = files.empty() ? Status::ok() : client.upload_archive(*id, "/", files);
  if (ran) ran = client.start_container(*id);
  if (ran) {
    auto code = client.wait_container(*id, timeout);
    if (!code) ran = code.status();
    if (code) run.exit_code = *code;
  }
  if (ran) {
    auto output = client.container_logs(*id, 0);
    if (!output) ran = output.status();
    if (output) run.output = std::move(*output);
  }
  client.remove_container(*id, true);
  if (!ran) return ran;
  return run;
}

}  // namespace pgdecl::pg
