#include "providers/docker/client.h"
#include "providers/docker/http_util.h"
#include "providers/docker/json_util.h"

namespace pgdecl::docker {
namespace {

NetworkInfo decode_network(const Json& network) {
  NetworkInfo info;
  info.id = json_string(network, "Id");
  info.name = json_string(network, "Name");
  info.labels = json_labels(network);
  if (const Json* ipam = json_member(network, "IPAM")) {
    const Json* configs = json_member(*ipam, "Config");
    if (configs != nullptr && configs->is_array() && !configs->empty()) {
      std::string subnet = json_string(configs->front(), "Subnet");
      if (!subnet.empty()) info.subnet = subnet;
    }
  }
  return info;
}

bool is_not_found(const Status& status) { return status.code() == Status::Code::kNotFound; }

}  // namespace

Result<std::vector<NetworkInfo>> Client::list_networks(const Labels& label_filter) {
  const std::string what = "listing networks";
  Result<HttpResponse> response =
      call(what, get_request(with_query("/networks", label_filters_query(label_filter))));
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<std::vector<NetworkInfo>> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    std::vector<NetworkInfo> networks;
    if (parsed->is_array()) {
      for (const Json& network : *parsed) networks.push_back(decode_network(network));
    }
    return networks;
  });
}

Result<std::optional<NetworkInfo>> Client::inspect_network(const std::string& name_or_id) {
  const std::string what = "inspecting network " + name_or_id;
  Result<HttpResponse> response = call(what, get_request("/networks/" + path_escape(name_or_id)));
  if (!response && is_not_found(response.status())) return std::optional<NetworkInfo>();
  if (!response) return response.status();
  return guard_json(what, [&]() -> Result<std::optional<NetworkInfo>> {
    Result<Json> parsed = parse_json(response->body, what);
    if (!parsed) return parsed.status();
    return std::optional<NetworkInfo>(decode_network(*parsed));
  });
}

Result<NetworkInfo> Client::create_network(const std::string& name, const std::optional<std::string>& subnet,
                                           const Labels& labels) {
  Json body = {{"Name", name},
               {"Driver", "bridge"},
               {"CheckDuplicate", true},  // a second network of that name is a conflict
               {"Labels", labels_to_json(labels)}};
  if (subnet) body["IPAM"] = {{"Driver", "default"}, {"Config", Json::array({{{"Subnet", *subnet}}})}};
  Result<HttpResponse> response =
      call("creating network " + name, post_json_request("/networks/create", body));
  if (!response) return response.status();
  // Read it back: Docker chose the subnet when the spec did not.
  Result<std::optional<NetworkInfo>> created = inspect_network(name);
  if (!created) return created.status();
  if (!created->has_value())
    return Status::failed("network " + name + " vanished right after it was created");
  return std::move(**created);
}

// Docker (API 1.41) changes a container's aliases on a network only by
// connecting it again: disconnect, then connect with the new list.
Status Client::set_network_aliases(const std::string& network, const std::string& container,
                                   const std::vector<std::string>& aliases) {
  const std::string what = "giving container " + container + " the aliases " + [&] {
    std::string list;
    for (const auto& alias : aliases) list += (list.empty() ? "" : ", ") + alias;
    return list;
  }() + " on network " + network;
  Json off = {{"Container", container}, {"Force", false}};
  Status disconnected =
      call(what, post_json_request("/networks/" + path_escape(network) + "/disconnect", off)).status();
  if (!disconnected && disconnected.code() != Status::Code::kNotFound) return disconnected;
  Json on = {{"Container", container}, {"EndpointConfig", {{"Aliases", strings_to_json(aliases)}}}};
  return call(what, post_json_request("/networks/" + path_escape(network) + "/connect", on)).status();
}

Status Client::remove_network(const std::string& name_or_id) {
  return call("removing network " + name_or_id, delete_request("/networks/" + path_escape(name_or_id)))
      .status();
}

}  // namespace pgdecl::docker
