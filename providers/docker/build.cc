// POST /build: the classic builder, fed a context tarred in memory.

#include "providers/docker/client.h"
#include "providers/docker/http_util.h"
#include "providers/docker/json_util.h"
#include "providers/docker/streams.h"
#include "providers/docker/tar_writer.h"

namespace pgdecl::docker {
namespace {

std::string build_query(const BuildRequest& request) {
  Json args = Json::object();
  for (const auto& [key, value] : request.args) args[key] = value;
  std::string query = "dockerfile=" + url_encode(request.dockerfile);
  if (!request.tag.empty()) query += "&t=" + url_encode(request.tag);
  query += "&buildargs=" + url_encode(dump_json(args));
  query += "&labels=" + url_encode(dump_json(labels_to_json(request.labels)));
  // Intermediate containers go away even when a step fails.
  query += "&rm=1&forcerm=1";
  return query;
}

}  // namespace

Result<ImageInfo> Client::build_image(const BuildRequest& request, const ProgressHandler& progress) {
  const std::string name = request.tag.empty() ? request.context_dir : request.tag;
  const std::string what = "building image " + name;
  Result<std::string> context = tar_directory(request.context_dir);
  if (!context) return context.status().with_context(what);

  HttpRequest http = post_request("/build?" + build_query(request));
  http.timeout = kImageTimeout;
  http.body = std::move(*context);
  http.content_type = "application/x-tar";
  ProgressReader reader(progress);
  Result<HttpResponse> response =
      call(what, std::move(http), [&](std::string_view chunk) { reader.feed(chunk); });
  if (!response) return response.status();
  reader.feed(response->body);  // a transport that did not stream
  reader.finish();
  if (reader.error()) {
    return Status::failed(what + ": Docker (" + transport_->endpoint() + ") said: " + *reader.error());
  }

  const std::string built = request.tag.empty() ? reader.image_id() : request.tag;
  if (built.empty()) return Status::failed(what + ": Docker did not say which image it built");
  Result<std::optional<ImageInfo>> image = inspect_image(built);
  if (!image) return image.status();
  if (!image->has_value()) return Status::failed(what + ": image " + built + " is missing after the build");
  return std::move(**image);
}

}  // namespace pgdecl::docker
