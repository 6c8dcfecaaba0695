#include <algorithm>

#include "cluster/spec/formats.h"
#include "cluster/spec/reader.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kTopKeys = {"version", "name",   "docker",   "network", "images",
                                           "volumes", "master", "replicas", "primary", "replication",
                                           "ha",      "backup", "restore",  "roles",   "databases"};

void report(Reader& reader, SourcePos pos, const Check& problem) {
  if (problem) reader.error(pos, problem->message, problem->suggestion);
}

// A spec of another version may mean other things by the same keys, so
// nothing more is read from it.
bool read_version(Reader& reader, MapReader& top) {
  const Entry* entry = top.require("version");
  if (!entry) return true;
  auto version = reader.integer(*entry);
  if (version && *version != 1) {
    reader.error(entry->value_pos,
                 "unsupported version " + std::to_string(*version) + " (this pgdecl reads version 1)");
    return false;
  }
  return true;
}

void read_name(Reader& reader, MapReader& top, ClusterSpec& spec) {
  const Entry* entry = top.require("name");
  if (!entry) return;
  if (auto name = reader.text(*entry)) {
    report(reader, entry->value_pos, check_cluster_name(*name));
    spec.name = *name;
  }
}

void read_docker(Reader& reader, const Entry& entry, DockerSpec& docker) {
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, {"host"});
  const Entry* host = map.find("host");
  if (!host) return;
  if (auto text = reader.text(*host)) {
    report(reader, host->value_pos, check_docker_host(*text));
    docker.host = *text;
  }
}

void read_network(Reader& reader, const Entry& entry, NetworkSpec& network) {
  network.pos = entry.key_pos;
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, {"name", "subnet"});
  if (const Entry* name = map.find("name")) {
    if (auto text = reader.text(*name)) {
      report(reader, name->value_pos, check_object_name("network", *text));
      network.name = *text;
    }
  }
  if (const Entry* subnet = map.find("subnet")) {
    if (auto text = reader.text(*subnet)) {
      report(reader, subnet->value_pos, check_subnet(*text));
      network.subnet = *text;
    }
  }
}

PullPolicy to_pull_policy(const std::string& word) {
  if (word == "always") return PullPolicy::kAlways;
  if (word == "never") return PullPolicy::kNever;
  return PullPolicy::kIfMissing;
}

std::optional<BuildSpec> read_build(Reader& reader, const Entry& entry, const std::filesystem::path& dir) {
  if (!reader.is_map(entry)) return std::nullopt;
  MapReader map(reader, entry, {"context", "dockerfile", "args"});
  BuildSpec build;
  if (const Entry* context = map.require("context")) {
    if (auto text = reader.text(*context)) build.context = (dir / *text).lexically_normal();
  }
  if (auto dockerfile = map.text("dockerfile")) build.dockerfile = *dockerfile;
  if (const Entry* args = map.find("args")) build.args = read_string_map(reader, *args);
  return build;
}

ImageSpec read_image(Reader& reader, const Entry& entry, const ClusterSpec& spec) {
  ImageSpec image{entry.key, {}, PullPolicy::kIfMissing, std::nullopt, entry.key_pos};
  if (!reader.is_map(entry)) return image;
  MapReader map(reader, entry, {"tag", "pull", "build"});
  if (auto tag = map.text("tag")) {
    report(reader, map.find("tag")->value_pos, check_image_tag(*tag));
    image.tag = *tag;
  }
  if (const Entry* pull = map.find("pull")) {
    if (auto word = reader.word(*pull, {"if-missing", "always", "never"})) image.pull = to_pull_policy(*word);
  }
  if (const Entry* build = map.find("build")) image.build = read_build(reader, *build, spec.dir);
  if (!map.find("tag") && !map.find("build")) {
    reader.error(entry.key_pos, "image '" + entry.key + "' needs a tag or a build");
  }
  // A built image still needs a name to be found by later runs.
  if (!map.find("tag") && image.build) {
    image.tag = "pgdecl/" + spec.name + ":" + entry.key;
    if (check_object_name("image", entry.key) || spec.name.empty()) return image;  // reported already
    report(reader, entry.key_pos, check_image_tag(image.tag));
  }
  return image;
}

void read_images(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  if (!reader.is_map(entry)) {
    reader.sources().unreadable.insert("images");
    return;
  }
  MapReader map(reader, entry);
  for (const Entry& item : map.entries()) {
    report(reader, item.key_pos, check_object_name("image", item.key));
    spec.images[item.key] = read_image(reader, item, spec);
  }
}

void read_volumes(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  if (!reader.is_map(entry)) {
    reader.sources().unreadable.insert("volumes");
    return;
  }
  MapReader map(reader, entry);
  for (const Entry& item : map.entries()) {
    report(reader, item.key_pos, check_object_name("volume", item.key));
    VolumeSpec volume{item.key, true, item.key_pos};
    if (reader.is_map(item)) {
      MapReader fields(reader, item, {"prevent_destroy"});
      if (auto keep = fields.boolean("prevent_destroy")) volume.prevent_destroy = *keep;
    }
    spec.volumes[item.key] = volume;
  }
}

void read_replication(Reader& reader, const Entry& entry, ReplicationSpec& replication) {
  replication.pos = entry.key_pos;
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, {"user", "slots", "checkpoint"});
  if (const Entry* user = map.require("user")) {
    if (auto name = reader.text(*user)) {
      check_role_name(reader, *user, *name);
      replication.user = *name;
    }
  }
  if (auto slots = map.boolean("slots")) replication.slots = *slots;
  if (const Entry* checkpoint = map.find("checkpoint")) {
    if (auto word = reader.word(*checkpoint, {"fast", "spread"})) replication.checkpoint = *word;
  }
}

// A size as PostgreSQL writes one: a number of bytes, or with kB, MB, GB
// or TB (powers of 1024).
std::optional<long long> read_size(Reader& reader, const Entry& entry) {
  auto text = reader.text(entry);
  if (!text) return std::nullopt;
  static const std::vector<std::pair<std::string, long long>> kUnits = {
      {"TB", 1LL << 40}, {"GB", 1LL << 30}, {"MB", 1LL << 20}, {"kB", 1LL << 10}, {"B", 1}, {"", 1}};
  for (const auto& [unit, factor] : kUnits) {
    if (text->size() <= unit.size() || text->compare(text->size() - unit.size(), unit.size(), unit) != 0)
      continue;
    std::string number = text->substr(0, text->size() - unit.size());
    while (!number.empty() && number.back() == ' ') number.pop_back();
    if (number.empty() || number.size() > 12 || number.find_first_not_of("0123456789") != std::string::npos)
      break;
    return std::stoll(number) * factor;
  }
  reader.error(entry.value_pos,
               "expected a size such as 16MB (bytes, or kB, MB, GB, TB), got '" + printable(*text) + "'");
  return std::nullopt;
}

void read_ha(Reader& reader, const Entry& entry, HaSpec& ha) {
  ha.pos = entry.key_pos;
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, {"max_lag", "failover_delay", "failback", "primary_update"});
  if (const Entry* lag = map.find("max_lag")) {
    if (auto bytes = read_size(reader, *lag)) ha.max_lag_bytes = *bytes;
  }
  if (const Entry* delay = map.find("failover_delay")) {
    if (auto duration = read_duration(reader, *delay, {"ms", "s", "m"}, "3s")) ha.failover_delay = *duration;
  }
  if (auto failback = map.boolean("failback")) ha.failback = *failback;
  if (const Entry* update = map.find("primary_update")) {
    if (auto word = reader.word(*update, {"switchover", "restart"}))
      ha.primary_update = *word == "restart" ? PrimaryUpdate::kRestart : PrimaryUpdate::kSwitchover;
  }
}

void read_primary(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  if (auto name = reader.text(entry)) spec.declared_primary = *name;
}

void read_sections(Reader& reader, MapReader& top, ClusterSpec& spec) {
  if (const Entry* e = top.find("docker")) read_docker(reader, *e, spec.docker);
  if (const Entry* e = top.find("network")) read_network(reader, *e, spec.network);
  if (const Entry* e = top.find("images")) read_images(reader, *e, spec);
  if (const Entry* e = top.find("volumes")) read_volumes(reader, *e, spec);
  if (const Entry* e = top.require("master")) read_master(reader, *e, spec);
  if (const Entry* e = top.find("replicas")) read_replicas(reader, *e, spec);
  if (const Entry* e = top.find("primary")) read_primary(reader, *e, spec);
  if (const Entry* e = top.find("replication")) read_replication(reader, *e, spec.replication);
  if (const Entry* e = top.find("ha")) read_ha(reader, *e, spec.ha);
  if (const Entry* e = top.find("backup")) read_backup(reader, *e, spec);
  if (const Entry* e = top.find("restore")) read_restore(reader, *e, spec);
  if (const Entry* e = top.find("roles")) read_roles(reader, *e, spec);
  if (const Entry* e = top.find("databases")) read_databases(reader, *e, spec);
}

}  // namespace

// Units are matched whole: "5ms" is never five minutes with a stray "s".
std::optional<std::chrono::milliseconds> read_duration(Reader& reader, const Entry& entry,
                                                       const std::vector<std::string>& units,
                                                       const std::string& example) {
  auto text = reader.text(entry);
  if (!text) return std::nullopt;
  static const std::map<std::string, long long> kMilliseconds = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  const std::size_t unit_at = text->find_first_not_of("0123456789");
  if (unit_at != 0 && unit_at != std::string::npos && unit_at <= 9) {
    const std::string unit = text->substr(unit_at);
    if (std::find(units.begin(), units.end(), unit) != units.end())
      return std::chrono::milliseconds(std::stoll(text->substr(0, unit_at)) * kMilliseconds.at(unit));
  }
  std::string listed;
  for (std::size_t i = 0; i < units.size(); ++i)
    listed += (i == 0 ? "" : i + 1 == units.size() ? " or " : ", ") + units[i];
  reader.error(entry.value_pos, "expected a duration such as " + example + " (a whole number with " + listed +
                                    "), got '" + printable(*text) + "'");
  return std::nullopt;
}

std::map<std::string, std::string> read_string_map(Reader& reader, const Entry& entry) {
  std::map<std::string, std::string> out;
  if (!reader.is_map(entry)) return out;
  MapReader map(reader, entry);
  for (const Entry& item : map.entries()) {
    if (!is_utf8(item.key)) {
      reader.error(item.key_pos, "expected a UTF-8 name as key " + map.where() +
                                     ": the key holds bytes that are not UTF-8");
    } else if (auto text = reader.text(item)) {
      out[item.key] = *text;
    }
  }
  return out;
}

void read_spec(Reader& reader, const YAML::Node& root, ClusterSpec& spec) {
  Entry top_entry = root_entry(root);
  if (!root.IsMap()) {
    reader.error(top_entry.value_pos, "expected a map at the top of the spec, got " + describe(root));
    return;
  }
  MapReader top(reader, top_entry, kTopKeys);
  // A misspelt section is not an empty one: references into it are not checked.
  for (const std::string& section : top.misspelt()) {
    if (!top.find(section)) reader.sources().unreadable.insert(section);
  }
  if (!read_version(reader, top)) return;
  read_name(reader, top, spec);
  read_sections(reader, top, spec);
}

}  // namespace pgdecl::spec
