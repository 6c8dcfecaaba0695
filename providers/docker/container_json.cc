#include "providers/docker/container_json.h"

#include <charconv>
#include <string>

namespace pgdecl::docker {
namespace {

std::string port_key(int port) { return std::to_string(port) + "/tcp"; }

Json port_bindings(const ContainerConfig& config) {
  const PortBinding& publish = *config.publish;
  // HostPort "" lets Docker pick a free port.
  std::string host_port = publish.host_port == 0 ? "" : std::to_string(publish.host_port);
  Json binding = {{"HostIp", publish.host_ip}, {"HostPort", host_port}};
  return {{port_key(config.container_port), Json::array({binding})}};
}

Json host_config(const ContainerConfig& config) {
  Json mounts = Json::array();
  for (const VolumeMount& mount : config.mounts) {
    Json entry = {
        {"Type", mount.bind ? "bind" : "volume"}, {"Source", mount.volume}, {"Target", mount.target}};
    if (mount.read_only) entry["ReadOnly"] = true;
    mounts.push_back(std::move(entry));
  }
  Json host = {{"Mounts", mounts}};
  if (config.publish) host["PortBindings"] = port_bindings(config);
  if (!config.network.empty()) host["NetworkMode"] = config.network;
  if (!config.network_of_container.empty()) host["NetworkMode"] = "container:" + config.network_of_container;
  if (!config.restart_policy.empty()) host["RestartPolicy"] = {{"Name", config.restart_policy}};
  return host;
}

std::string strip_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

// "49153" -> 49153; "" or garbage -> 0 (no fixed port).
int parse_port(const std::string& text) {
  int port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return (error == std::errc() && end == text.data() + text.size()) ? port : 0;
}

bool is_ipv6(const std::string& address) { return address.find(':') != std::string::npos; }

// From [{"HostIp": "127.0.0.1", "HostPort": "49153"}, ...]; an IPv4 binding
// is preferred over the "::" twin Docker adds for 0.0.0.0.
std::optional<PortBinding> first_binding(const Json* bindings) {
  if (bindings == nullptr || !bindings->is_array() || bindings->empty()) return std::nullopt;
  const Json* chosen = &bindings->front();
  for (const Json& binding : *bindings) {
    if (!is_ipv6(json_string(binding, "HostIp"))) {
      chosen = &binding;
      break;
    }
  }
  PortBinding published;
  published.host_ip = json_string(*chosen, "HostIp");
  published.host_port = parse_port(json_string(*chosen, "HostPort"));
  return published;
}

// Live bindings exist only while the container runs; otherwise the requested
// ones (HostConfig) say what it will get, with port 0 for "Docker picks".
std::optional<PortBinding> inspected_binding(const Json& container) {
  const std::string key = port_key(kPublishedContainerPort);
  const Json* settings = json_member(container, "NetworkSettings");
  const Json* live = settings ? json_member(*settings, "Ports") : nullptr;
  if (auto binding = first_binding(live ? json_member(*live, key.c_str()) : nullptr)) return binding;
  const Json* host = json_member(container, "HostConfig");
  const Json* requested = host ? json_member(*host, "PortBindings") : nullptr;
  return first_binding(requested ? json_member(*requested, key.c_str()) : nullptr);
}

// From [{"IP": "127.0.0.1", "PrivatePort": 5432, "PublicPort": 49153, "Type": "tcp"}].
std::optional<PortBinding> listed_binding(const Json& container) {
  const Json* ports = json_member(container, "Ports");
  if (ports == nullptr || !ports->is_array()) return std::nullopt;
  std::optional<PortBinding> found;
  for (const Json& port : *ports) {
    if (json_int(port, "PrivatePort", 0) != kPublishedContainerPort || json_string(port, "Type") != "tcp" ||
        json_int(port, "PublicPort", 0) == 0) {
      continue;
    }
    PortBinding binding{json_string(port, "IP"), static_cast<int>(json_int(port, "PublicPort", 0))};
    if (!found || (is_ipv6(found->host_ip) && !is_ipv6(binding.host_ip))) found = binding;
  }
  return found;
}

// The named volumes it mounts ("Name"), or the host paths it binds ("Source").
std::vector<std::string> mount_sources(const Json& container, const std::string& type) {
  std::vector<std::string> names;
  const Json* mounts = json_member(container, "Mounts");
  if (mounts == nullptr || !mounts->is_array()) return names;
  for (const Json& mount : *mounts) {
    if (json_string(mount, "Type") == type)
      names.push_back(json_string(mount, type == "volume" ? "Name" : "Source"));
  }
  return names;
}

std::vector<std::string> network_names(const Json& container) {
  const Json* settings = json_member(container, "NetworkSettings");
  return settings ? json_keys(*settings, "Networks") : std::vector<std::string>();
}

}  // namespace

Json container_create_body(const ContainerConfig& config) {
  Json body = {{"Image", config.image},
               {"Env", strings_to_json(config.env)},
               {"Labels", labels_to_json(config.labels)},
               {"StopSignal", config.stop_signal},
               {"StopTimeout", config.stop_timeout_seconds},
               {"HostConfig", host_config(config)}};
  // A container in another's network namespace has no ports of its own.
  if (config.network_of_container.empty()) {
    body["ExposedPorts"] = {{port_key(config.container_port), Json::object()}};
  }
  if (!config.cmd.empty()) body["Cmd"] = strings_to_json(config.cmd);
  if (!config.user.empty()) body["User"] = config.user;
  if (!config.network.empty()) {
    Json endpoint = {{"Aliases", strings_to_json(config.network_aliases)}};
    body["NetworkingConfig"] = {{"EndpointsConfig", {{config.network, endpoint}}}};
  }
  return body;
}

ContainerInfo decode_inspected_container(const Json& container) {
  ContainerInfo info;
  info.id = json_string(container, "Id");
  info.name = strip_slash(json_string(container, "Name"));
  info.image_id = json_string(container, "Image");
  if (const Json* config = json_member(container, "Config")) {
    info.image = json_string(*config, "Image");
    info.labels = json_labels(*config);
  }
  if (const Json* state = json_member(container, "State")) {
    info.state = json_string(*state, "Status");
    info.finished_at = json_string(*state, "FinishedAt");
  }
  info.restart_policy = "no";
  if (const Json* host = json_member(container, "HostConfig")) {
    const Json* policy = json_member(*host, "RestartPolicy");
    if (policy != nullptr && !json_string(*policy, "Name").empty())
      info.restart_policy = json_string(*policy, "Name");
  }
  info.published = inspected_binding(container);
  info.networks = network_names(container);
  info.volumes = mount_sources(container, "volume");
  info.binds = mount_sources(container, "bind");
  return info;
}

ContainerInfo decode_listed_container(const Json& container) {
  ContainerInfo info;
  info.id = json_string(container, "Id");
  if (const Json* names = json_member(container, "Names"); names && names->is_array() && !names->empty()) {
    if (names->front().is_string()) info.name = strip_slash(names->front().get<std::string>());
  }
  info.image = json_string(container, "Image");
  info.image_id = json_string(container, "ImageID");
  info.state = json_string(container, "State");
  info.labels = json_labels(container);
  info.published = listed_binding(container);
  info.networks = network_names(container);
  info.volumes = mount_sources(container, "volume");
  info.binds = mount_sources(container, "bind");
  return info;
}

}  // namespace pgdecl::docker
