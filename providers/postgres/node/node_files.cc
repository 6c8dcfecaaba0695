#include "providers/postgres/node/node_files.h"

#include <cstdio>

#include "cluster/layout/naming.h"

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

std::string config_file_statement(SqlSession& c, const std::string& file_name, const std::string& content) {
  // COPY ... TO PROGRAM runs as the server's own user, in its data
  // directory and with its umask, so the file is postgres's and private.
  // The content crosses as one base64 line, which no quoting rule of COPY's
  // text format can alter, and lands under another name first: renamed into
  // place, it is never read half-written.
  const std::string staged = file_name + ".pgdecl-new";
  const std::string program = "umask 077 && base64 -d > " + staged + " && mv -f " + staged + " " + file_name;
  return "COPY (SELECT translate(encode(convert_to(" + c.escape_literal(content) +
         ", 'UTF8'), 'base64'), E'\\n', '')) TO PROGRAM " + c.escape_literal(program);
}

Status write_config_file(SqlSession& c, const std::string& file_name, const std::string& content) {
  // The content may hold a secret of the spec (a parameter, an hba option).
  Status written = c.execute_unlogged(config_file_statement(c, file_name, content));
  return written ? written : written.with_context("writing " + file_name + " in the data directory");
}

Status put_back_node_file(docker::Client& client, const std::string& container_id,
                          const std::string& file_name, const std::string& content, FileOwner owner) {
  const std::string path = std::string(engine::kPgData).substr(1) + "/" + file_name;
  return client.upload_archive(container_id, "/", {{path, content, 0600, owner.uid, owner.gid}});
}

}  // namespace pgdecl::pg
