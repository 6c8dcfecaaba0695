#include "providers/docker/client.h"
#include "providers/docker/http_util.h"
#include "providers/docker/json_util.h"
#include "providers/docker/streams.h"

namespace pgdecl::docker {
namespace {

ImageInfo decode_image(const Json& image) {
  ImageInfo info;
  info.id = json_string(image, "Id");
  if (const Json* tags = json_member(image, "RepoTags"); tags != nullptr && tags->is_array()) {
    for (const Json& tag : *tags) {
      if (tag.is_string()) info.tags.push_back(tag.get<std::string>());
    }
  }
  if (const Json* config = json_member(image, "Config")) info.labels = json_labels(*config);
  return info;
}

// fromImage/tag query of a pull. Without a tag Docker would pull every tag of
// the repository, so a bare name means :latest, as with `docker pull`.
std::string pull_query(const std::string& reference) {
  if (reference.find('@') != std::string::npos) return "fromImage=" + url_encode(reference);
  size_t last_slash = reference.rfind('/');
  size_t colon = reference.rfind(':');
  bool has_tag = colon != std::string::npos && (last_slash == std::string::npos || colon > last_slash);
  std::string repository = has_tag ? reference.substr(0, colon) : reference;
  std::string tag = has_tag ? reference.substr(colon + 1) : "latest";
  return "fromImage=" + url_encode(repository) + "&tag=" + url_encode(tag);
}

}  // namespace

Result<std::optional<ImageInfo>> Client::inspect_image(const std::string& reference) {
  const std::string what = "inspecting image " + reference;
  Result<HttpResponse> response = call(what, get_request("/images/" + path_escape(reference) + "/json"));
  if (!response && response.status().code() == Status::Code::kNotFound) return std::optional<ImageInfo>();
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<std::optional<ImageInfo>> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    return std::optional<ImageInfo>(decode_image(*parsed));
  });
}

Status Client::pull_image(const std::string& reference, const ProgressHandler& progress) {
  const std::string what = "pulling image " + reference;
  ProgressReader reader(progress);
  HttpRequest request = post_request("/images/create?" + pull_query(reference));
  request.timeout = kImageTimeout;
  Result<HttpResponse> response =
      call(what, std::move(request), [&](std::string_view chunk) { reader.feed(chunk); });
  if (!response) return response.status();
  reader.feed(response->body);  // a transport that did not stream
  reader.finish();
  if (reader.error()) {
    return Status::failed(what + ": Docker (" + transport_->endpoint() + ") said: " + *reader.error());
  }
  return Status::ok();
}

Status Client::remove_image(const std::string& reference) {
  return call("removing image " + reference, delete_request("/images/" + path_escape(reference))).status();
}

}  // namespace pgdecl::docker
