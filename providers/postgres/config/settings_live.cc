#include "providers/postgres/config/settings_live.h"

#include "cluster/render/config_secrets.h"
#include "providers/postgres/config/setting_value.h"

namespace pgdecl::pg {
namespace {

using engine::AttributeChange;
using engine::LiveResource;

constexpr const char* kFileKey = "pgdecl_conf.";
constexpr const char* kPendingKey = "pending_restart.";

bool listed(const engine::PlannedChange& change, const std::string& name) {
  for (const auto& attribute : change.changes) {
    if (attribute.name == name) return true;
  }
  return false;
}

bool same_value(const LiveResource& live, const std::string& name, const std::string& a,
                const std::string& b) {
  if (a == b) return true;
  const std::string vartype = settings_meta(live, "vartype." + name),
                    unit = settings_meta(live, "unit." + name);
  if (vartype.empty()) return false;
  auto left = canonical_setting(a, vartype, unit), right = canonical_setting(b, vartype, unit);
  return left && right && *left == *right;
}

bool read_at_start(const LiveResource& live, const std::string& name) {
  return settings_meta(live, "context." + name) == "postmaster";
}

// The server runs `value` already (so rewriting the file needs no restart).
bool runs(const LiveResource& live, const std::string& name, const std::string& value) {
  auto canonical =
      canonical_setting(value, settings_meta(live, "vartype." + name), settings_meta(live, "unit." + name));
  return canonical && *canonical == settings_meta(live, "canonical." + name);
}

std::string hidden(const std::string& value, const std::string& secret, const ServerSetting* s) {
  bool same = value == secret;
  if (!same && s) {
    auto left = canonical_setting(value, s->definition.vartype, s->definition.unit);
    same = left && left == canonical_setting(secret, s->definition.vartype, s->definition.unit);
  }
  return same ? spec::kSensitiveValue : engine::kDifferentValue;
}

}  // namespace

void add_new_data_settings(engine::PlannedChange& change) {
  if (!change.before || !change.after) return;
  const LiveResource& live = *change.before;
  for (const auto& [name, value] : change.after->attributes) {
    const std::string fallback = settings_meta(live, "fallback." + name);
    if (listed(change, name) || same_value(live, name, fallback, value)) continue;
    AttributeChange attribute{name, fallback, value};
    if (read_at_start(live, name)) {
      attribute.kind = engine::ChangeKind::kRestart;
      change.restart = true;
    }
    change.changes.push_back(attribute);
  }
}

void hide_secret_settings(NodeSettings& now, const std::map<std::string, std::string>& secrets) {
  for (const auto& [name, secret] : secrets) {
    auto server = now.server.find(name);
    ServerSetting* s = server == now.server.end() ? nullptr : &server->second;
    if (s) {
      s->display = hidden(s->display, secret, s);
      s->canonical = hidden(s->canonical, secret, s);
      if (s->set_by_alter_system) s->set_by_alter_system = hidden(*s->set_by_alter_system, secret, s);
    }
    if (auto file = now.pgdecl_conf.find(name); file != now.pgdecl_conf.end())
      file->second = hidden(file->second, secret, s);
  }
}

std::string settings_meta(const LiveResource& live, const std::string& key) {
  auto found = live.meta.find(key);
  return found == live.meta.end() ? "" : found->second;
}

LiveResource settings_to_live(const NodeSettings& now, const std::map<std::string, std::string>& parameters) {
  LiveResource live{"settings", {}, {}};
  for (const auto& [name, s] : now.server) {
    if (parameters.count(name)) live.attributes[name] = s.display;
    live.meta["canonical." + name] = s.canonical;
    live.meta["vartype." + name] = s.definition.vartype;
    live.meta["unit." + name] = s.definition.unit;
    live.meta["context." + name] = s.context;
    live.meta["display." + name] = s.display;
    live.meta["fallback." + name] = s.fallback;
    if (s.set_by_alter_system) live.meta["alter_system." + name] = *s.set_by_alter_system;
    if (s.pending_restart) live.meta[kPendingKey + name] = "true";
  }
  for (const auto& [name, value] : now.pgdecl_conf) live.meta[kFileKey + name] = value;
  live.meta["pgdecl_conf_lines"] = std::to_string(now.pgdecl_conf.size());
  return live;
}

void add_file_drift(engine::PlannedChange& change, const std::map<std::string, std::string>& file,
                    const LiveResource& live) {
  const bool file_gone = settings_meta(live, "pgdecl_conf_lines") == "0";
  if (file_gone) change.reasons.push_back("pgdecl.conf on the server is missing or sets nothing");
  for (const auto& [name, value] : file) {
    auto on_disk = live.meta.find(kFileKey + name);
    const bool there = on_disk != live.meta.end();
    if ((there && same_value(live, name, on_disk->second, value)) || listed(change, name)) continue;
    AttributeChange attribute{name, std::nullopt, value};
    if (there) attribute.before = on_disk->second;
    if (!file_gone) {
      std::string reason = there ? "pgdecl.conf on the server sets " + name + " = " + on_disk->second
                                 : "pgdecl.conf on the server does not set " + name;
      reason += ", pgdecl sets it to " + value;
      if (live.meta.count(kPendingKey + name))
        reason += " (the server runs " + settings_meta(live, "display." + name) + " until it restarts)";
      change.reasons.push_back(reason);
    }
    if (read_at_start(live, name) && !runs(live, name, value)) {
      attribute.kind = engine::ChangeKind::kRestart;
      change.restart = true;
    }
    change.changes.push_back(attribute);
  }
  for (const auto& [key, value] : live.meta) {
    if (key.rfind(kFileKey, 0) != 0) continue;
    const std::string name = key.substr(std::string(kFileKey).size());
    if (file.count(name)) continue;
    const std::string fallback = settings_meta(live, "fallback." + name);
    AttributeChange attribute{name, value, fallback};
    change.reasons.push_back("pgdecl.conf on the server sets " + name + " = " + value +
                             ", which the spec does not set: it goes back to " +
                             (fallback.empty() ? "its default" : fallback));
    if (read_at_start(live, name) && !runs(live, name, fallback)) {
      attribute.kind = engine::ChangeKind::kRestart;
      change.restart = true;
    }
    change.changes.push_back(attribute);
  }
  if (!change.changes.empty()) change.action = engine::Action::kUpdate;
}

}  // namespace pgdecl::pg
