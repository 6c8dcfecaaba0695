#include "providers/postgres/config/settings_live.h"

#include "cluster/render/config_secrets.h"
#include "providers/postgres/config/setting_value.h"

namespace pgdecl::pg {
namespace {

using engine::AttributeChange;
using engine::LiveResource;

bool listed(const engine::PlannedChange& change, const std::string& name) {
  for (const auto& attribute : change.changes) {
    if (attribute.name == name) return true;
  }
  return false;
}

bool same_value(const ParameterFacts& facts, const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (facts.vartype.empty()) return false;
  auto left = canonical_setting(a, facts.vartype, facts.unit),
       right = canonical_setting(b, facts.vartype, facts.unit);
  return left && right && *left == *right;
}

bool read_at_start(const ParameterFacts& facts) { return facts.context == "postmaster"; }

// The server runs `value` already (so rewriting the file needs no restart).
bool runs(const ParameterFacts& facts, const std::string& value) {
  auto canonical = canonical_setting(value, facts.vartype, facts.unit);
  return canonical && *canonical == facts.canonical;
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

const ParameterFacts& SettingsFacts::parameter(const std::string& name) const {
  static const ParameterFacts kNotRead;
  auto found = parameters.find(name);
  return found == parameters.end() ? kNotRead : found->second;
}

void add_new_data_settings(engine::PlannedChange& change) {
  if (!change.before || !change.after) return;
  const auto facts = engine::details_of<SettingsFacts>(*change.before);
  for (const auto& [name, value] : change.after->attributes) {
    const ParameterFacts& parameter = facts.parameter(name);
    if (listed(change, name) || same_value(parameter, parameter.fallback, value)) continue;
    AttributeChange attribute{name, parameter.fallback, value};
    if (read_at_start(parameter)) {
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

LiveResource settings_to_live(const NodeSettings& now, const std::map<std::string, std::string>& parameters) {
  LiveResource live{"settings", {}};
  SettingsFacts facts;
  for (const auto& [name, s] : now.server) {
    if (parameters.count(name)) live.attributes[name] = s.display;
    facts.parameters[name] = {s.display,
                              s.canonical,
                              s.definition.vartype,
                              s.definition.unit,
                              s.context,
                              s.fallback,
                              s.set_by_alter_system.has_value(),
                              s.set_by_alter_system.value_or(""),
                              s.pending_restart};
  }
  facts.pgdecl_conf = now.pgdecl_conf;
  engine::set_details(live, facts);
  return live;
}

void add_file_drift(engine::PlannedChange& change, const std::map<std::string, std::string>& file,
                    const LiveResource& live) {
  const auto facts = engine::details_of<SettingsFacts>(live);
  const bool file_gone = facts.pgdecl_conf.empty();
  if (file_gone) change.reasons.push_back("pgdecl.conf on the server is missing or sets nothing");
  for (const auto& [name, value] : file) {
    const ParameterFacts& parameter = facts.parameter(name);
    auto on_disk = facts.pgdecl_conf.find(name);
    const bool there = on_disk != facts.pgdecl_conf.end();
    if ((there && same_value(parameter, on_disk->second, value)) || listed(change, name)) continue;
    AttributeChange attribute{name, std::nullopt, value};
    if (there) attribute.before = on_disk->second;
    if (!file_gone) {
      std::string reason = there ? "pgdecl.conf on the server sets " + name + " = " + on_disk->second
                                 : "pgdecl.conf on the server does not set " + name;
      reason += ", pgdecl sets it to " + value;
      if (parameter.pending_restart)
        reason += " (the server runs " + parameter.display + " until it restarts)";
      change.reasons.push_back(reason);
    }
    if (read_at_start(parameter) && !runs(parameter, value)) {
      attribute.kind = engine::ChangeKind::kRestart;
      change.restart = true;
    }
    change.changes.push_back(attribute);
  }
  for (const auto& [name, value] : facts.pgdecl_conf) {
    if (file.count(name)) continue;
    const ParameterFacts& parameter = facts.parameter(name);
    const std::string& fallback = parameter.fallback;
    AttributeChange attribute{name, value, fallback};
    change.reasons.push_back("pgdecl.conf on the server sets " + name + " = " + value +
                             ", which the spec does not set: it goes back to " +
                             (fallback.empty() ? "its default" : fallback));
    if (read_at_start(parameter) && !runs(parameter, fallback)) {
      attribute.kind = engine::ChangeKind::kRestart;
      change.restart = true;
    }
    change.changes.push_back(attribute);
  }
  if (!change.changes.empty()) change.action = engine::Action::kUpdate;
}

}  // namespace pgdecl::pg
