#include "providers/docker/client.h"
#include "providers/docker/container_json.h"
#include "providers/docker/http_util.h"
#include "providers/docker/json_util.h"
#include "providers/docker/streams.h"

namespace pgdecl::docker {
namespace {

bool is_not_found(const Status& status) { return status.code() == Status::Code::kNotFound; }

}  // namespace

Result<std::vector<ContainerInfo>> Client::list_containers(const Labels& label_filter) {
  const std::string what = "listing containers";
  std::string query = "all=1";
  if (!label_filter.empty()) query += "&" + label_filters_query(label_filter);
  Result<HttpResponse> response = call(what, get_request("/containers/json?" + query));
  if (!response) return response.status();
  Result<std::vector<ContainerInfo>> listed = guard_json(what, [&]() -> Result<std::vector<ContainerInfo>> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    std::vector<ContainerInfo> containers;
    if (parsed->is_array()) {
      for (const Json& container : *parsed) containers.push_back(decode_listed_container(container));
    }
    return containers;
  });
  if (!listed) return listed;
  // The list hides the port binding of a container that is not running; ask
  // for those few so that list and inspect always agree.
  for (ContainerInfo& container : *listed) {
    if (container.running()) continue;
    Result<std::optional<ContainerInfo>> inspected = inspect_container(container.id);
    if (!inspected) return inspected.status();
    if (inspected->has_value()) container.published = (*inspected)->published;
  }
  return listed;
}

Result<std::optional<ContainerInfo>> Client::inspect_container(const std::string& name_or_id) {
  const std::string what = "inspecting container " + name_or_id;
  Result<HttpResponse> response = call(what, get_request("/containers/" + path_escape(name_or_id) + "/json"));
  if (!response && is_not_found(response.status())) return std::optional<ContainerInfo>();
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<std::optional<ContainerInfo>> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    return std::optional<ContainerInfo>(decode_inspected_container(*parsed));
  });
}

Result<std::string> Client::create_container(const ContainerConfig& config) {
  const std::string what = "creating container " + config.name;
  Result<HttpResponse> response = call(
      what,
      post_json_request("/containers/create?name=" + url_encode(config.name), container_create_body(config)));
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<std::string> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    std::string id = json_string(*parsed, "Id");
    if (id.empty()) return Status::failed(what + ": Docker answered without an Id");
    return id;
  });
}

// Starting a running or stopping a stopped container answers 304, which the
// call helper counts as success: the container is where it should be.
Status Client::start_container(const std::string& id) {
  return call("starting container " + id, post_request("/containers/" + path_escape(id) + "/start")).status();
}

Status Client::unpause_container(const std::string& id) {
  return call("unpausing container " + id, post_request("/containers/" + path_escape(id) + "/unpause"))
      .status();
}

Status Client::stop_container(const std::string& id, int timeout_seconds) {
  std::string path = "/containers/" + path_escape(id) + "/stop?t=" + std::to_string(timeout_seconds);
  HttpRequest request = post_request(path);
  // Docker answers once the container stopped, which may take all of t.
  request.timeout = std::chrono::seconds(timeout_seconds + 30);
  return call("stopping container " + id, std::move(request)).status();
}

Status Client::signal_container(const std::string& id, const std::string& signal) {
  std::string path = "/containers/" + path_escape(id) + "/kill?signal=" + path_escape(signal);
  return call("sending " + signal + " to container " + id, post_request(path)).status();
}

Status Client::remove_container(const std::string& id, bool force) {
  // v=0: a volume is data; removing it is a separate, explicit decision.
  std::string path = "/containers/" + path_escape(id) + "?v=0&force=" + (force ? "1" : "0");
  return call("removing container " + id, delete_request(path)).status();
}

Status Client::update_restart_policy(const std::string& id, const std::string& policy) {
  Json body = {{"RestartPolicy", {{"Name", policy}}}};
  return call("setting the restart policy of container " + id + " to " + policy,
              post_json_request("/containers/" + path_escape(id) + "/update", body))
      .status();
}

Result<int> Client::wait_container(const std::string& id, std::chrono::seconds timeout) {
  const std::string what = "waiting for container " + id;
  HttpRequest request = post_request("/containers/" + path_escape(id) + "/wait");
  request.timeout = timeout;
  Result<HttpResponse> response = call(what, std::move(request));
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<int> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    if (!parsed->contains("StatusCode"))
      return Status::failed(what + ": Docker answered without a StatusCode");
    return parsed->at("StatusCode").get<int>();
  });
}

Result<std::string> Client::container_logs(const std::string& id, int tail_lines) {
  std::string tail = tail_lines > 0 ? std::to_string(tail_lines) : "all";
  std::string path = "/containers/" + path_escape(id) + "/logs?stdout=1&stderr=1&tail=" + tail;
  HttpRequest request = get_request(path);
  request.max_body = kMaxLogBytes;
  Result<HttpResponse> response = call("reading the logs of container " + id, std::move(request));
  if (!response) return response.status();
  StreamDemuxer demuxer;
  demuxer.feed(response->body);
  if (response->truncated) demuxer.combined += "\n[pgdecl read no more of this log: it passed 1 MiB]\n";
  return std::move(demuxer.combined);
}

}  // namespace pgdecl::docker
