#include <sstream>

#include "engine/resources/desired.h"
#include "engine/resources/postgres_config.h"
#include "providers/postgres/node_files.h"
#include "providers/postgres/node_probe.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

Result<std::string> read_hba(Connection& c) {
  auto rows = c.query("SELECT pg_read_file('pg_hba.conf')");
  if (!rows) return rows.status();
  return rows->rows.at(0).at(0).value_or("");
}

// Made with each new pg_hba.conf and removed once the server has loaded it
// (or the previous file is back): while it is there, the file on disk may
// not be the one in force, however right its text, because an apply was
// killed between writing and loading it.
constexpr const char* kPendingMarker = "pg_hba.conf.pgdecl-pending";
constexpr const char* kReloadPending = "reload_pending";

Result<bool> reload_pending(Connection& c) {
  auto rows = c.query("SELECT pg_read_file($1, 0, 1, true) IS NOT NULL", {std::string(kPendingMarker)});
  if (!rows) return rows.status();
  return rows->rows.at(0).at(0) == "t";
}

std::string line_of(const std::string& text, int number) {
  std::istringstream in(text);
  std::string line;
  for (int i = 1; std::getline(in, line); ++i) {
    if (i == number) return line;
  }
  return "";
}

// pg_hba_file_rules parses the file on disk, not the rules in force, so a
// new file can be checked before the server is told to load it.
Status check_rules(Connection& c, const std::string& content) {
  auto errors =
      c.query("SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL ORDER BY 1");
  if (!errors) return errors.status();
  if (errors->rows.empty()) return Status::ok();
  std::string message = "the server rejects the new pg_hba.conf; the previous one stays in force:";
  for (const auto& row : errors->rows) {
    int number = std::stoi(row.at(0).value_or("0"));
    message += "\n  line " + std::to_string(number) + " \"" + line_of(content, number) +
               "\": " + row.at(1).value_or("");
  }
  return Status::invalid_argument(message);
}

class HbaProvider : public engine::ResourceProvider {
 public:
  explicit HbaProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kHba; }
  // A replica's new copy starts with pgdecl's own rules only.
  OnNewData on_new_data() const override { return OnNewData::kApplyAgain; }

  engine::AttributeSchema schema() const override {
    return {{engine::attr::kHbaRules,
             {engine::ChangeKind::kUpdateInPlace, "pg_hba.conf on the server differs from the spec"}}};
  }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    return probe_node(ctx_, address.name, [](Connection& c) -> Result<LiveResource> {
      auto content = read_hba(c);
      if (!content) return content.status();
      auto pending = reload_pending(c);
      if (!pending) return pending.status();
      LiveResource live{"pg_hba.conf", {{engine::attr::kHbaRules, *content}}, {}};
      if (*pending) live.meta[kReloadPending] = "true";
      return live;
    });
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    if (is_unknown(live)) return plan_unknown(address, desired, *live);
    PlannedChange change = stays_with_node(engine::ResourceProvider::plan(address, desired, live));
    if (change.action == engine::Action::kNoOp && live && live->meta.count(kReloadPending)) {
      change.action = engine::Action::kUpdate;
      change.reasons.push_back(
          "pg_hba.conf was written after the server last loaded its configuration: its rules are not in "
          "force yet, so it is checked and loaded");
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kForget || change.action == engine::Action::kDelete) {
      return {Status::ok(), std::nullopt};
    }
    const std::string node = change.address.name;
    const std::string wanted = change.after->attributes.at(engine::attr::kHbaRules);
    LiveResource live{"pg_hba.conf", {{engine::attr::kHbaRules, wanted}}, {}};
    Status done = ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, [&](Connection& c) {
      auto previous = read_hba(c);
      if (!previous) return previous.status();
      auto pending = reload_pending(c);
      if (!pending) return pending.status();
      if (*previous == wanted && !*pending) return Status::ok();
      if (*previous != wanted) {
        if (auto s = write_config_file(c, "pg_hba.conf", wanted, kPendingMarker); !s) return s;
      }
      if (auto rejected = check_rules(c, wanted); !rejected) {
        auto restored = write_config_file(c, "pg_hba.conf", *previous);
        if (!restored)
          return restored.with_context(rejected.message() + "\nand restoring the previous file failed");
        live.attributes[engine::attr::kHbaRules] = *previous;
        // The file in force is on disk again.
        if (auto s = remove_node_file(c, kPendingMarker); !s) return s.with_context(rejected.message());
        return rejected;
      }
      if (auto s = c.execute("SELECT pg_reload_conf()"); !s) return s;
      return remove_node_file(c, kPendingMarker);
    });
    return {done, live};
  }

 private:
  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_hba_provider(NodeContext& context) {
  return std::make_unique<HbaProvider>(context);
}

}  // namespace pgdecl::pg
