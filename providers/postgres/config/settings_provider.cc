#include <spdlog/spdlog.h>

#include "cluster/render/postgres_config.h"
#include "providers/postgres/config/config_providers.h"
#include "providers/postgres/config/server_settings.h"
#include "providers/postgres/config/setting_value.h"
#include "providers/postgres/config/settings_live.h"
#include "providers/postgres/ha/primary_update.h"
#include "providers/postgres/node/node_files.h"
#include "providers/postgres/node/node_probe.h"
#include "providers/postgres/node/node_readiness.h"
#include "providers/postgres/node/replica_health.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

std::vector<std::string> names_of(const std::map<std::string, std::string>& file) {
  std::vector<std::string> names;
  for (const auto& [name, value] : file) names.push_back(name);
  return names;
}

class SettingsProvider : public engine::ResourceProvider {
 public:
  explicit SettingsProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kSettings; }
  // A master's new data starts with pgdecl's own settings only (a replica's
  // copy gets its whole file with the copy, and this depends on no copy).
  OnNewData on_new_data() const override { return OnNewData::kApplyAgain; }
  void plan_written_again(PlannedChange& change) const override { add_new_data_settings(change); }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    const auto file = rendered_file(address.name);
    auto secrets = secret_values(address.name);
    if (!secrets) return secrets.status();
    return probe_node(ctx_, address.name, [&](SqlSession& c) -> Result<LiveResource> {
      auto settings = read_node_settings(c, names_of(file));
      if (!settings) return settings.status();
      hide_secret_settings(*settings, *secrets);
      return settings_to_live(*settings, parameters(address.name));
    });
  }

  // Values compare in canonical form, so "1GB" matches the server's "1GB"
  // as well as "1024MB"; a parameter the server only reads at start is
  // marked as restarting it. pgdecl.conf itself is compared too, so an
  // edit waiting for a reload or restart, or a parameter the spec dropped,
  // shows.
  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    if (is_unknown(live)) return plan_unknown(address, desired, *live);
    if (!desired || !live) {
      return stays_with_node(engine::ResourceProvider::plan(address, desired, live));
    }
    const auto facts = engine::details_of<SettingsFacts>(*live);
    engine::DesiredResource want = *desired;
    for (auto& [name, value] : want.attributes) {
      const ParameterFacts& parameter = facts.parameter(name);
      auto canonical = canonical_setting(value, parameter.vartype, parameter.unit);
      if (live->attributes.count(name) && canonical && *canonical == parameter.canonical) {
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
      if (facts.parameter(attribute.name).context == "postmaster") {
        attribute.kind = engine::ChangeKind::kRestart;
        change.restart = true;
      }
    }
    const auto file = rendered_file(address.name);
    add_alter_system_overrides(change, file, facts);
    add_file_drift(change, file, *live);
    return change;
  }

  // A value ALTER SYSTEM left in postgresql.auto.conf overrides the spec
  // at the next reload or restart, even when the server runs the spec's
  // value now: it is drift, and apply takes it out.
  static void add_alter_system_overrides(PlannedChange& change,
                                         const std::map<std::string, std::string>& file,
                                         const SettingsFacts& facts) {
    for (const auto& [name, value] : file) {
      const ParameterFacts& parameter = facts.parameter(name);
      if (!parameter.set_by_alter_system) continue;
      change.reasons.push_back("ALTER SYSTEM set " + name + " = " + parameter.alter_system_value +
                               " in postgresql.auto.conf, which overrides the spec");
      bool listed = false;
      for (const auto& attribute : change.changes) listed |= attribute.name == name;
      if (!listed) change.changes.push_back({name, parameter.display, value});
    }
    if (!change.changes.empty()) change.action = engine::Action::kUpdate;
  }

  // Whether the primary's settings step comes after replicas' steps (the
  // rolling order): then writes can move to one of them while it restarts.
  void begin_apply(const engine::Plan& plan) override {
    primary_last_ = false;
    auto edges = plan.order.find(Address{resource_type::kSettings, ctx_.spec.primary().name}.to_string());
    if (edges == plan.order.end()) return;
    for (const auto& earlier : edges->second) {
      auto address = Address::parse(earlier);
      primary_last_ = primary_last_ || (address && !ctx_.spec.is_master(address->name));
    }
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kForget || change.action == engine::Action::kDelete) {
      return {Status::ok(), std::nullopt};
    }
    const std::string node = change.address.name;
    auto container_id = node_container_id(ctx_, node);
    if (!container_id) return {container_id.status(), change.before};
    Pending pending;
    Status done = ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, [&](SqlSession& c) {
      return install_checked(c, node, *container_id, pending);
    });
    if (done && pending.restart) done = restart_or_put_back(node, *container_id, pending);
    std::optional<LiveResource> live = change.before;
    auto secrets = secret_values(node);
    if (!secrets) return {secrets.status(), live};
    ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, [&](SqlSession& c) {
      auto after = read_node_settings(c, names_of(rendered_file(node)));
      if (!after) return after.status();
      hide_secret_settings(*after, *secrets);
      live = settings_to_live(*after, parameters(node));
      return Status::ok();
    });
    return {done, live};
  }

 private:
  // What an apply needs to take its change back.
  struct Pending {
    std::string previous_file;
    bool restart = false;
    FileOwner owner;
  };

  // As plans show them: a secret is spec::kSensitiveValue.
  const std::map<std::string, std::string>& parameters(const std::string& node) const {
    return node_spec(ctx_.spec, node).parameters;
  }

  std::map<std::string, std::string> rendered_file(const std::string& node) const {
    return engine::settings_in_file(engine::render_settings_file(ctx_.spec, node_spec(ctx_.spec, node)));
  }

  // The secret parameters of the node and their values: never shown.
  Result<std::map<std::string, std::string>> secret_values(const std::string& node) const {
    auto secrets = node_config_secrets(ctx_, node);
    if (!secrets) return secrets.status();
    const spec::NodeSpec& spec = node_spec(ctx_.spec, node);
    std::map<std::string, std::string> values;
    for (const auto& [name, ref] : spec.secret_parameters) {
      // Not to be had (a destroy without the variable): compared with a
      // value no server holds, what is there shows as a different one.
      auto value = secrets->find(engine::parameter_secret_key(node, name));
      values[name] = value != secrets->end() ? value->second.reveal() : spec::kSensitiveValue;
    }
    return values;
  }

  // Checks every value against the server's own catalog before writing,
  // writes, and reloads.
  Status install_checked(SqlSession& c, const std::string& node, const std::string& container_id,
                         Pending& pending) {
    auto secrets = node_config_secrets(ctx_, node);
    if (!secrets) return secrets.status();
    const spec::NodeSpec& spec = node_spec(ctx_.spec, node);
    // The file the server is to read, secrets and all.
    const std::string file = engine::render_settings_file(ctx_.spec, spec, &*secrets);
    const auto wanted = engine::parameters_with_secrets(spec, *secrets);
    std::set<std::string> secret_names;
    for (const auto& [name, ref] : spec.secret_parameters) secret_names.insert(name);
    auto now = read_node_settings(c, names_of(engine::settings_in_file(file)));
    if (!now) return now.status();
    const ServerSettings& server = now->server;
    if (auto s = check_parameters(server, wanted, node, secret_names); !s) return s;
    if (auto s = reset_alter_system(c, server, engine::settings_in_file(file)); !s) return s;
    // Missing when someone took it away: NULL, not an error.
    auto previous = c.query("SELECT pg_read_file('pgdecl.conf', 0, 1048576, true)");
    if (!previous) return previous.status();
    pending.previous_file = previous->rows.at(0).at(0).value_or("");
    pending.restart = needs_restart(*now, engine::settings_in_file(file));
    if (pending.restart) {
      auto owner = data_owner(ctx_.docker.client(), container_id);
      if (!owner) return owner.status();
      pending.owner = *owner;
    }
    // Already written and in force (a new replica starts with its file
    // whole): nothing to write, nothing to reload.
    bool overridden = false;
    for (const auto& [name, setting] : server) overridden |= setting.set_by_alter_system.has_value();
    if (pending.previous_file == file && !overridden && all_in_force(server, wanted)) {
      pending.restart = false;
      return Status::ok();
    }
    if (auto s = write_config_file(c, "pgdecl.conf", file); !s) return s;
    return c.execute("SELECT pg_reload_conf()");
  }

  // A value the server takes at start only can still keep it from starting
  // (too much memory, say): then the previous file goes back, the server is
  // started with it, and the apply fails with the server's words.
  Status restart_or_put_back(const std::string& node, const std::string& container_id,
                             const Pending& pending) {
    // The switchover away starts the old primary again, as a standby, on
    // the file just written: that is its restart.
    if (ctx_.spec.is_master(node) && primary_last_) {
      if (auto moved = with_writes_moved_away(ctx_, [] { return Status::ok(); })) return *moved;
    }
    if (!ctx_.spec.is_master(node)) {
      // Not fatal: a standby that cannot start yet is put back below.
      if (auto s = wait_until_caught_up(ctx_, node); !s) spdlog::warn("{}: {}", node, s.message());
    }
    Status restarted = restart_node(ctx_, node, container_id);
    // A replica is back once it streams again: the next node to go down
    // waits for that (roll_over_nodes).
    if (restarted)
      return ctx_.spec.is_master(node) ? restarted : wait_until_streaming(ctx_, node, container_id);
    auto& client = ctx_.docker.client();
    client.stop_container(container_id, 30);
    Status back =
        put_back_node_file(client, container_id, "pgdecl.conf", pending.previous_file, pending.owner);
    if (back) back = client.start_container(container_id);
    ctx_.docker.invalidate();
    if (back) back = wait_until_ready(ctx_, node, container_id);
    std::string outcome = back ? "the previous settings are back in force"
                               : "putting the previous settings back failed too: " + back.message();
    return Status::failed("the server did not start with the new settings, so " + outcome + ". " +
                          restarted.message());
  }

  NodeContext& ctx_;
  bool primary_last_ = false;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_settings_provider(NodeContext& context) {
  return std::make_unique<SettingsProvider>(context);
}

}  // namespace pgdecl::pg
