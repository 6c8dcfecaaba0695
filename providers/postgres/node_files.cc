#include "providers/postgres/node_files.h"

#include "engine/resources/naming.h"

namespace pgdecl::pg {

Status install_node_file(docker::Client& client, const std::string& container_id,
                         const std::string& file_name, const std::string& content) {
  const std::string staged = std::string(engine::kStagingDir) + "/conf/" + file_name;
  auto s = client.upload_archive(container_id, "/", {{staged.substr(1), content, 0644}});
  if (!s) return s;
  auto installed = client.exec(container_id, {"install", "-o", "postgres", "-g", "postgres", "-m", "0600",
                                              staged, std::string(engine::kPgData) + "/" + file_name});
  if (!installed) return installed.status();
  if (installed->exit_code != 0) {
    return Status::failed("installing " + file_name + " in the container failed: " + installed->err);
  }
  return Status::ok();
}

}  // namespace pgdecl::pg
