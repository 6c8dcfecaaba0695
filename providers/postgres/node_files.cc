#include "providers/postgres/node_files.h"

#include <cstdio>

#include "engine/resources/naming.h"

namespace pgdecl::pg {

Result<FileOwner> data_owner(docker::Client& client, const std::string& container_id) {
  auto stat = client.exec(container_id, {"stat", "-c", "%u %g", engine::kPgData});
  if (!stat) return stat.status();
  FileOwner owner;
  if (stat->exit_code != 0 || std::sscanf(stat->out.c_str(), "%d %d", &owner.uid, &owner.gid) != 2) {
    return Status::failed("cannot tell who owns " + std::string(engine::kPgData) + ": " + stat->err);
  }
  return owner;
}

Status install_node_file(docker::Client& client, const std::string& container_id,
                         const std::string& file_name, const std::string& content) {
  // Handed over beside the data directory, then installed in one step, so
  // the server never reads a half-written file.
  const std::string transfer = std::string(engine::kStagingDir) + "/transfer/" + file_name;
  auto s = client.upload_archive(container_id, "/", {{transfer.substr(1), content, 0644}});
  if (!s) return s;
  auto installed = client.exec(container_id, {"install", "-o", "postgres", "-g", "postgres", "-m", "0600",
                                              transfer, std::string(engine::kPgData) + "/" + file_name});
  if (!installed) return installed.status();
  if (installed->exit_code != 0) {
    return Status::failed("installing " + file_name + " in the container failed: " + installed->err);
  }
  return Status::ok();
}

Status put_back_node_file(docker::Client& client, const std::string& container_id,
                          const std::string& file_name, const std::string& content, FileOwner owner) {
  const std::string path = std::string(engine::kPgData).substr(1) + "/" + file_name;
  return client.upload_archive(container_id, "/", {{path, content, 0600, owner.uid, owner.gid}});
}

}  // namespace pgdecl::pg
