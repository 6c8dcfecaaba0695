#include "providers/docker/client.h"
#include "providers/docker/http_util.h"
#include "providers/docker/json_util.h"

namespace pgdecl::docker {
namespace {

VolumeInfo decode_volume(const Json& volume) {
  VolumeInfo info;
  info.name = json_string(volume, "Name");
  info.mountpoint = json_string(volume, "Mountpoint");
  info.labels = json_labels(volume);
  return info;
}

Result<VolumeInfo> read_volume(const std::string& body, const std::string& what) {
  return guard_json(what, [&]() -> Result<VolumeInfo> {
    Result<Json> parsed = parse_json(body, what);
    if (!parsed) return parsed.status();
    return decode_volume(*parsed);
  });
}

}  // namespace

Result<std::vector<VolumeInfo>> Client::list_volumes(const Labels& label_filter) {
  const std::string what = "listing volumes";
  Result<HttpResponse> response =
      call(what, get_request(with_query("/volumes", label_filters_query(label_filter))));
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<std::vector<VolumeInfo>> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    std::vector<VolumeInfo> volumes;
    const Json* listed = json_member(*parsed, "Volumes");  // null when there are none
    if (listed != nullptr && listed->is_array()) {
      for (const Json& volume : *listed) volumes.push_back(decode_volume(volume));
    }
    return volumes;
  });
}

Result<std::optional<VolumeInfo>> Client::inspect_volume(const std::string& name) {
  const std::string what = "inspecting volume " + name;
  Result<HttpResponse> response = call(what, get_request("/volumes/" + path_escape(name)));
  if (!response && response.status().code() == Status::Code::kNotFound) return std::optional<VolumeInfo>();
  if (!response) return response.status();
  Result<VolumeInfo> volume = read_volume(response->body, what);
  if (!volume) return volume.status();
  return std::optional<VolumeInfo>(std::move(*volume));
}

// Docker answers 201 with the existing volume when the name is taken: creating
// is idempotent, and the labels returned are the existing volume's.
Result<VolumeInfo> Client::create_volume(const std::string& name, const Labels& labels) {
  const std::string what = "creating volume " + name;
  Json body = {{"Name", name}, {"Driver", "local"}, {"Labels", labels_to_json(labels)}};
  Result<HttpResponse> response = call(what, post_json_request("/volumes/create", body));
  if (!response) return response.status();
  return read_volume(response->body, what);
}

Status Client::remove_volume(const std::string& name) {
  return call("removing volume " + name, delete_request("/volumes/" + path_escape(name))).status();
}

}  // namespace pgdecl::docker
