#include "engine/resources/postgres_config.h"
#include "providers/postgres/node_files.h"
#include "providers/postgres/node_probe.h"
#include "providers/postgres/node_readiness.h"
#include "providers/postgres/setting_value.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

struct ServerSetting {
  std::string display;  // as SHOW prints it: 128MB
  std::string canonical;
  std::string vartype, unit, context;
};

using ServerSettings = std::map<std::string, ServerSetting>;

std::string joined_names(const std::map<std::string, std::string>& parameters) {
  std::string names;
  for (const auto& [name, value] : parameters) names += (names.empty() ? "" : ",") + name;
  return names;
}

// One round trip for every parameter the spec names.
Result<ServerSettings> read_settings(Connection& c, const std::map<std::string, std::string>& parameters) {
  auto rows = c.query(
      "SELECT name, current_setting(name), setting, vartype, coalesce(unit, ''), context FROM pg_settings "
      "WHERE name = ANY(string_to_array($1, ','))",
      {joined_names(parameters)});
  if (!rows) return rows.status();
  ServerSettings out;
  for (const auto& row : rows->rows) {
    ServerSetting s{*row[1], "", *row[3], *row[4], *row[5]};
    s.canonical = canonical_setting(*row[2], s.vartype, s.unit).value_or(*row[2]);
    out[*row[0]] = s;
  }
  return out;
}

LiveResource to_live(const ServerSettings& settings) {
  LiveResource live{"settings", {}, {}};
  for (const auto& [name, s] : settings) {
    live.attributes[name] = s.display;
    live.meta["canonical." + name] = s.canonical;
    live.meta["vartype." + name] = s.vartype;
    live.meta["unit." + name] = s.unit;
    live.meta["context." + name] = s.context;
  }
  return live;
}

std::string meta(const LiveResource& live, const std::string& key) {
  auto found = live.meta.find(key);
  return found == live.meta.end() ? "" : found->second;
}

class SettingsProvider : public engine::ResourceProvider {
 public:
  explicit SettingsProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kSettings; }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    const auto& parameters = node_parameters(address.name);
    return probe_node(ctx_, address.name, [&](Connection& c) -> Result<LiveResource> {
      auto settings = read_settings(c, parameters);
      if (!settings) return settings.status();
      return to_live(*settings);
    });
  }

  // Values compare in canonical form, so "1GB" matches the server's "1GB"
  // as well as "1024MB"; a parameter the server only reads at start is
  // marked as restarting it.
  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    if (is_unknown(live)) return plan_unknown(address, desired, *live);
    if (!desired || !live) {
      PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
      if (change.action == engine::Action::kDelete) {
        change.action = engine::Action::kForget;
        change.reasons = {"it lives in the node's data directory, which stays with its volume"};
      }
      return change;
    }
    engine::DesiredResource want = *desired;
    for (auto& [name, value] : want.attributes) {
      auto canonical = canonical_setting(value, meta(*live, "vartype." + name), meta(*live, "unit." + name));
      if (live->attributes.count(name) && canonical && *canonical == meta(*live, "canonical." + name)) {
        value = live->attributes.at(name);
      }
    }
    PlannedChange change = engine::ResourceProvider::plan(address, &want, live);
    change.after = *desired;
    change.reasons.clear();
    for (auto& attribute : change.changes) {
      if (!attribute.before) {
        change.reasons.push_back(attribute.name + " is not a parameter this server knows");
        continue;
      }
      change.reasons.push_back(attribute.name + " is " + *attribute.before +
                               " on the server, the spec says " + attribute.after.value_or(""));
      if (meta(*live, "context." + attribute.name) == "postmaster") {
        attribute.kind = engine::ChangeKind::kRestart;
        change.restart = true;
      }
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kForget || change.action == engine::Action::kDelete) {
      return {Status::ok(), std::nullopt};
    }
    const std::string node = change.address.name;
    auto container_id = node_container_id(ctx_, node);
    if (!container_id) return {container_id.status(), change.before};
    bool restart = false;
    std::optional<LiveResource> live = change.before;
    Status done = ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, [&](Connection& c) {
      auto before = read_settings(c, node_parameters(node));
      if (!before) return before.status();
      if (auto s = check_known(*before, node); !s) return s;
      restart = needs_restart(*before, node);
      const std::string file = engine::render_settings_file(ctx_.spec, node_spec(ctx_.spec, node));
      if (auto s = install_node_file(ctx_.docker.client(), *container_id, "pgdecl.conf", file); !s) return s;
      return c.execute("SELECT pg_reload_conf()");
    });
    if (done && restart) done = restart_node(ctx_, node, *container_id);
    if (done) {
      ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, [&](Connection& c) {
        auto after = read_settings(c, node_parameters(node));
        if (after) live = to_live(*after);
        return after.status();
      });
    }
    return {done, live};
  }

 private:
  const std::map<std::string, std::string>& node_parameters(const std::string& node) const {
    return node_spec(ctx_.spec, node).parameters;
  }

  // A name the server does not know would stop it at its next start.
  Status check_known(const ServerSettings& server, const std::string& node) const {
    for (const auto& [name, value] : node_parameters(node)) {
      if (!server.count(name))
        return Status::invalid_argument("unknown parameter '" + name + "' in " + node + ".parameters");
    }
    return Status::ok();
  }

  bool needs_restart(const ServerSettings& server, const std::string& node) const {
    for (const auto& [name, value] : node_parameters(node)) {
      const ServerSetting& s = server.at(name);
      if (s.context == "postmaster" && canonical_setting(value, s.vartype, s.unit) != s.canonical)
        return true;
    }
    return false;
  }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_settings_provider(NodeContext& context) {
  return std::make_unique<SettingsProvider>(context);
}

}  // namespace pgdecl::pg
