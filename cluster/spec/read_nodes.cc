#include <variant>

#include "cluster/spec/formats.h"
#include "cluster/spec/reader.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kMasterKeys = {"name",      "image",      "volume", "publish",
                                              "superuser", "parameters", "hba",    "priority"};
const std::vector<std::string> kReplicaKeys = {"name",       "image", "volume",  "publish",
                                               "parameters", "hba",   "priority"};
const std::vector<std::string> kReplicaCountKeys = {"count",      "volume_prefix", "name_prefix", "image",
                                                    "parameters", "hba",           "priority"};
constexpr long long kMaxReplicas = 32;

void read_publish_map(Reader& reader, const Entry& entry, PublishSpec& publish) {
  MapReader map(reader, entry, {"host_ip", "port"});
  if (const Entry* ip = map.find("host_ip")) {
    auto text = reader.text(*ip);
    if (text && is_ip_address(*text)) publish.host_ip = *text;
    if (text && !is_ip_address(*text)) reader.expected(*ip, "an IP address");
  }
  if (const Entry* port = map.find("port")) {
    auto number = reader.integer(*port);
    if (number && (*number < 0 || *number > 65535)) {
      reader.error(port->value_pos,
                   "expected a port from 0 to 65535 for 'port', got " + std::to_string(*number));
    } else if (number) {
      publish.port = static_cast<int>(*number);
    }
  }
}

void read_publish(Reader& reader, const Entry& entry, PublishSpec& publish) {
  if (entry.value.IsMap()) return read_publish_map(reader, entry, publish);
  auto text = reader.text(entry);
  if (!text) return;
  auto parsed = parse_publish(*text);
  if (auto* problem = std::get_if<Problem>(&parsed)) {
    reader.error(entry.value_pos, problem->message, problem->suggestion);
  } else {
    publish = std::get<PublishSpec>(parsed);
  }
}

// An hba option whose value is a secret: written inline in a line, it is
// in the spec for anyone who reads it.
bool holds_inline_secret(const std::string& line) {
  for (const char* option : kHbaSecretOptions) {
    if (line.find(std::string(option) + "=") != std::string::npos) return true;
  }
  return false;
}

void read_hba_secrets(Reader& reader, const Entry& entry, const std::string& line,
                      const std::filesystem::path& dir, NodeSpec& node) {
  if (!reader.is_map(entry)) return;
  MapReader options(reader, entry);
  for (const Entry& option : options.entries()) {
    if (auto problem = check_hba_option_name(option.key)) {
      reader.error(option.key_pos, problem->message);
    } else if (hba_line_sets_option(line, option.key)) {
      reader.error(option.key_pos,
                   "option '" + option.key + "' is set in the line too: give it in one place");
    } else if (auto secret = read_config_secret(reader, option, dir)) {
      node.hba_secrets.push_back({node.hba.size(), option.key, *secret});
    }
  }
}

// An item is a line, or { line: ..., secrets: { option: secret } } for a
// line with options that hold secrets (ldapbindpasswd, radiussecrets).
void read_hba_item(Reader& reader, const Entry& item, const std::filesystem::path& dir, NodeSpec& node) {
  std::optional<std::string> line;
  const Entry* secrets = nullptr;
  const Entry* line_entry = &item;
  std::optional<MapReader> map;
  if (item.value.IsMap()) {
    map.emplace(reader, item, std::vector<std::string>{"line", "secrets"});
    line_entry = map->require("line");
    secrets = map->find("secrets");
    if (line_entry) line = reader.text(*line_entry);
  } else {
    line = reader.text(item);
  }
  if (!line) return;
  if (auto problem = check_hba_line(*line)) {
    reader.error(line_entry->value_pos, problem->message, problem->suggestion);
  } else if (holds_inline_secret(*line)) {
    reader.warning(
        line_entry->value_pos,
        "hba line holds a secret inline; give it under 'secrets' as { env: VAR } or { file: PATH }");
  }
  if (secrets) read_hba_secrets(reader, *secrets, *line, dir, node);
  node.hba.push_back(*line);
}

void read_hba(Reader& reader, const Entry& entry, const std::filesystem::path& dir, NodeSpec& node) {
  node.hba.clear();
  node.hba_secrets.clear();
  auto items = reader.items(entry);
  if (!items) return;
  for (const Entry& item : *items) read_hba_item(reader, item, dir, node);
}

// `image: !tag` is an empty string, not nothing: refused here, or the node
// would name no image at all (found by the spec fuzzer).
std::optional<std::string> non_empty_text(Reader& reader, MapReader& map, const char* key) {
  auto text = map.text(key);
  if (text && text->empty()) {
    reader.error(map.find(key)->value_pos, std::string("expected a non-empty name for '") + key + "'");
    return std::nullopt;
  }
  return text;
}

// Reads `key` as a Docker object name into `out`.
void read_object_name(Reader& reader, MapReader& map, const char* key, const char* kind, std::string& out) {
  const Entry* entry = map.find(key);
  if (!entry) return;
  auto text = reader.text(*entry);
  if (!text) return;
  if (auto problem = check_object_name(kind, *text))
    reader.error(entry->value_pos, problem->message, problem->suggestion);
  out = *text;
}

// What master and replicas share; `name` and `volume` are read by the caller,
// which knows whether they are required.
void read_node_settings(Reader& reader, MapReader& map, const std::filesystem::path& dir, NodeSpec& node) {
  if (auto image = non_empty_text(reader, map, "image")) node.image = *image;
  if (const Entry* publish = map.find("publish")) read_publish(reader, *publish, node.publish);
  if (const Entry* parameters = map.find("parameters")) read_parameters(reader, *parameters, dir, node);
  if (const Entry* hba = map.find("hba")) read_hba(reader, *hba, dir, node);
  if (const Entry* priority = map.find("priority")) {
    if (auto number = reader.integer(*priority)) {
      if (*number < 0 || *number > 1000000) {
        reader.error(priority->value_pos,
                     "expected a priority from 0 to 1000000, got " + std::to_string(*number));
      } else {
        node.priority = static_cast<int>(*number);
      }
    }
  }
}

// A replica runs as its master does unless the spec says otherwise: the
// master's parameters under its own (a hot standby refuses to run with less
// max_connections, say, than its master), and the master's pg_hba lines
// unless it has its own.
void inherit_from_master(const MasterSpec& master, MapReader& map, ReplicaSpec& replica) {
  for (const auto& [name, value] : master.parameters) {
    if (!replica.parameters.try_emplace(name, value).second) continue;
    if (auto secret = master.secret_parameters.find(name); secret != master.secret_parameters.end())
      replica.secret_parameters.emplace(name, secret->second);
  }
  if (!map.find("hba")) {
    replica.hba = master.hba;
    replica.hba_secrets = master.hba_secrets;
  }
}

void read_superuser(Reader& reader, const Entry& entry, SuperuserSpec& superuser,
                    const std::filesystem::path& dir) {
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, {"name", "password"});
  if (const Entry* name = map.find("name")) {
    if (auto text = reader.text(*name)) {
      check_role_name(reader, *name, *text);
      superuser.name = *text;
    }
  }
  if (const Entry* password = map.find("password")) {
    if (auto secret = read_secret(reader, *password, dir)) superuser.password = *secret;
  }
}

void read_replica(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, kReplicaKeys);
  ReplicaSpec replica;
  replica.pos = map.pos();
  map.require("name");
  map.require("volume");
  read_object_name(reader, map, "name", "replica", replica.name);
  if (const Entry* name = map.find("name")) replica.pos = name->value_pos;
  if (auto volume = non_empty_text(reader, map, "volume")) replica.volume = *volume;
  read_node_settings(reader, map, spec.dir, replica);
  inherit_from_master(spec.master, map, replica);
  spec.replicas.push_back(replica);
  reader.sources().replica_paths.push_back(entry.path);
}

std::optional<long long> read_count(Reader& reader, const Entry& entry) {
  auto count = reader.integer(entry);
  if (count && (*count < 1 || *count > kMaxReplicas)) {
    reader.error(entry.value_pos, "expected a count from 1 to " + std::to_string(kMaxReplicas) +
                                      " for 'count', got " + std::to_string(*count));
    return std::nullopt;
  }
  return count;
}

// Adds replicas <name_prefix>1..count on volumes <volume_prefix>1..count,
// all shaped like `model`.
void expand_replicas(Reader& reader, const Entry& entry, const ReplicaSpec& model, long long count,
                     const std::string& name_prefix, const Entry& volume_prefix, ClusterSpec& spec) {
  reader.sources().positions["replicas.volume"] = volume_prefix.value_pos;
  for (long long i = 1; i <= count; ++i) {
    ReplicaSpec replica = model;
    replica.name = name_prefix + std::to_string(i);
    replica.volume = volume_prefix.value.Scalar() + std::to_string(i);
    // Declared here so the spec need not list them; an explicit declaration wins.
    spec.volumes.try_emplace(replica.volume, VolumeSpec{replica.volume, true, volume_prefix.value_pos});
    spec.replicas.push_back(replica);
    reader.sources().replica_paths.push_back(entry.path);
  }
}

// `replicas: { count: 3, volume_prefix: replica_data }`: identical replicas.
void read_replica_count(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  MapReader map(reader, entry, kReplicaCountKeys);
  const Entry* count_entry = map.require("count");
  const Entry* prefix_entry = map.require("volume_prefix");
  auto count = count_entry ? read_count(reader, *count_entry) : std::nullopt;
  auto volume_prefix = prefix_entry ? reader.text(*prefix_entry) : std::nullopt;
  if (auto problem = volume_prefix ? check_object_name("volume", *volume_prefix) : std::nullopt) {
    reader.error(prefix_entry->value_pos, problem->message, problem->suggestion);
  }
  std::string name_prefix = "replica";
  read_object_name(reader, map, "name_prefix", "replica", name_prefix);
  ReplicaSpec model;
  model.pos = entry.key_pos;
  read_node_settings(reader, map, spec.dir, model);
  inherit_from_master(spec.master, map, model);
  if (count && volume_prefix) expand_replicas(reader, entry, model, *count, name_prefix, *prefix_entry, spec);
}

}  // namespace

void read_master(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  MasterSpec& master = spec.master;
  master.name = "master";
  master.pos = entry.key_pos;
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, kMasterKeys);
  map.require("image");
  map.require("volume");
  read_object_name(reader, map, "name", "master", master.name);
  if (const Entry* name = map.find("name")) master.pos = name->value_pos;
  if (auto volume = non_empty_text(reader, map, "volume")) master.volume = *volume;
  read_node_settings(reader, map, spec.dir, master);
  if (const Entry* superuser = map.find("superuser"))
    read_superuser(reader, *superuser, master.superuser, spec.dir);
}

void read_replicas(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  if (entry.value.IsMap()) return read_replica_count(reader, entry, spec);
  if (entry.value.IsScalar()) return reader.expected(entry, "a list, or a map with count");
  auto items = reader.items(entry);
  if (!items) return;
  for (const Entry& item : *items) read_replica(reader, item, spec);
}

}  // namespace pgdecl::spec
