#include "providers/docker/client.h"
#include "providers/docker/http_util.h"
#include "providers/docker/tar_reader.h"
#include "providers/docker/tar_writer.h"

namespace pgdecl::docker {
namespace {
// A tar of one file: its header, padding and the end-of-archive blocks.
constexpr size_t kTarOverhead = 64 * 1024;
}  // namespace

// PUT /containers/{id}/archive works on a created container too, which is how
// configuration lands before the server's first start.
Status Client::upload_archive(const std::string& container_id, const std::string& dest_dir,
                              const std::vector<ArchiveFile>& files) {
  const std::string what = "copying " + std::to_string(files.size()) + " file(s) into " + dest_dir +
                           " of container " + container_id;
  Result<std::string> tar = tar_files(files);
  if (!tar) return tar.status().with_context(what);
  HttpRequest request;
  request.method = "PUT";
  request.path = "/containers/" + path_escape(container_id) + "/archive?path=" + url_encode(dest_dir);
  request.body = std::move(*tar);
  request.content_type = "application/x-tar";
  return call(what, std::move(request)).status();
}

Result<std::optional<std::string>> Client::read_file(const std::string& container_id,
                                                     const std::string& path) {
  const std::string what = "reading " + path + " in container " + container_id;
  HttpRequest request =
      get_request("/containers/" + path_escape(container_id) + "/archive?path=" + url_encode(path));
  request.max_body = kMaxFileBytes + kTarOverhead;
  Result<HttpResponse> response = call(what, std::move(request));
  if (!response && response.status().code() == Status::Code::kNotFound) return std::optional<std::string>();
  if (!response) return response.status();
  if (response->truncated) {
    return Status::failed(what + ": the file is larger than " +
                          std::to_string(kMaxFileBytes / (1024 * 1024)) +
                          " MiB, more than pgdecl reads from a container");
  }
  auto content = first_file_in_tar(response->body, what);
  if (!content) return content.status();
  return std::optional<std::string>(std::move(*content));
}

}  // namespace pgdecl::docker
