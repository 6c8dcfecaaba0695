#include <sstream>

#include "cluster/desired/desired.h"
#include "cluster/render/postgres_config.h"
#include "engine/model/details.h"
#include "providers/postgres/config/config_providers.h"
#include "providers/postgres/node/node_files.h"
#include "providers/postgres/node/node_probe.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

// Why the server rejects the file on disk, kept beside a read (its details).
struct HbaFindings {
  std::string rejected;  // the lines and the server's words; empty: accepted
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HbaFindings, rejected)
// The last file the server accepted, kept by the install below, so that one
// the server rejects can always be taken back.
constexpr const char* kAcceptedCopy = "pg_hba.conf.pgdecl-previous";
// Where the install leaves what the server rejected, for the same session.
constexpr const char* kRejectedSetting = "pgdecl.hba_rejected";

// pg_hba_file_rules parses the file on disk, not the rules in force.
const char* kRejectedLines =
    "SELECT string_agg(line_number || E'\\t' || error, E'\\n' ORDER BY line_number) FROM pg_hba_file_rules "
    "WHERE error IS NOT NULL";

struct HbaOnDisk {
  std::string content;
  std::string rejected;  // "<line number>\t<error>" lines; empty when accepted
};

Result<HbaOnDisk> read_hba(SqlSession& c) {
  auto rows = c.query(std::string("SELECT pg_read_file('pg_hba.conf'), (") + kRejectedLines + ")");
  if (!rows) return rows.status();
  return HbaOnDisk{rows->rows.at(0).at(0).value_or(""), rows->rows.at(0).at(1).value_or("")};
}

std::string line_of(const std::string& text, int number) {
  std::istringstream in(text);
  std::string line;
  for (int i = 1; std::getline(in, line); ++i) {
    if (i == number) return line;
  }
  return "";
}

// "  line 5 "hostssl all ...": hostssl record cannot match ..." for each.
std::string describe_rejected(const std::string& rejected, const std::string& content) {
  std::string out;
  std::istringstream in(rejected);
  for (std::string entry; std::getline(in, entry);) {
    const auto tab = entry.find('\t');
    const int number = std::atoi(entry.substr(0, tab).c_str());
    out += "\n  line " + std::to_string(number) + " \"" + line_of(content, number) +
           "\": " + (tab == std::string::npos ? "" : entry.substr(tab + 1));
  }
  return out;
}

std::string install_body(SqlSession& c, const std::string& wanted, const std::string& accepted);

// Writes `wanted`, checks it and loads it, or puts `accepted` back: all in
// one statement the server runs to its end even when pgdecl is killed
// while it runs (the server notices a client gone only when it answers).
// PostgreSQL 15 checks only the file at pg_hba.conf's own path, and reads
// hba_file only at start, so the candidate cannot be checked under another
// name; and a parser of pgdecl's own would not be the server's. So the
// candidate is live on disk only inside this statement, never between two
// of pgdecl's. The file the server accepts is also kept as kAcceptedCopy,
// for a server that stops in the middle: the next apply puts it back.
std::string install_statement(SqlSession& c, const std::string& wanted, const std::string& accepted) {
  const std::string body = install_body(c, wanted, accepted);
  // A dollar quote its body does not hold.
  std::string tag = "$pgdecl_hba$";
  for (int n = 0; body.find(tag) != std::string::npos; ++n) tag = "$pgdecl_hba" + std::to_string(n) + "$";
  return "DO " + tag + body + tag;
}

std::string install_body(SqlSession& c, const std::string& wanted, const std::string& accepted) {
  return "DECLARE rejected text; BEGIN "
         "EXECUTE " +
         c.escape_literal(config_file_statement(c, kAcceptedCopy, accepted)) +
         "; "
         "EXECUTE " +
         c.escape_literal(config_file_statement(c, "pg_hba.conf", wanted)) + "; " + "SELECT (" +
         kRejectedLines +
         ") INTO rejected; "
         "IF rejected IS NULL THEN PERFORM pg_reload_conf(); EXECUTE " +
         c.escape_literal(config_file_statement(c, kAcceptedCopy, wanted)) +
         "; "
         "ELSE EXECUTE " +
         c.escape_literal(config_file_statement(c, "pg_hba.conf", accepted)) +
         "; END IF; "
         "PERFORM set_config('" +
         kRejectedSetting + "', coalesce(rejected, ''), false); END ";
}

// The file to fall back on: the one on disk when the server accepts it,
// else the last one it accepted (a server stopped in the middle of an
// install, or an edit by hand), else pgdecl's own rules, which a new
// server starts with.
Result<std::string> accepted_file(SqlSession& c, const HbaOnDisk& on_disk, const std::string& own_rules) {
  if (on_disk.rejected.empty()) return on_disk.content;
  auto kept = c.query("SELECT pg_read_file($1, 0, 1048576, true)", {std::string(kAcceptedCopy)});
  if (!kept) return kept.status();
  return kept->rows.at(0).at(0).value_or(own_rules);
}

// Errors quote the lines of `shown`: the wanted file with its secrets hidden.
Status install_checked(SqlSession& c, const std::string& wanted, const std::string& shown,
                       const std::string& own_rules, std::string& in_force) {
  auto on_disk = read_hba(c);
  if (!on_disk) return on_disk.status();
  if (on_disk->content == wanted && on_disk->rejected.empty()) return Status::ok();
  auto accepted = accepted_file(c, *on_disk, own_rules);
  if (!accepted) return accepted.status();
  c.mark_next_statement("hba-install");
  // The file may hold a secret of the spec (an ldapbindpasswd, say).
  if (auto s = c.execute_unlogged(install_statement(c, wanted, *accepted)); !s)
    return s.with_context("installing pg_hba.conf");
  auto rejected = c.query("SELECT current_setting($1, true)", {std::string(kRejectedSetting)});
  if (!rejected) return rejected.status();
  const std::string reasons = rejected->rows.at(0).at(0).value_or("");
  if (reasons.empty()) return Status::ok();
  in_force = *accepted;
  return Status::invalid_argument("the server rejects the new pg_hba.conf; the previous one stays in force:" +
                                  describe_rejected(reasons, shown));
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

  // The file as plans and the state hold it: a secret in it shows only as
  // the spec's, or as a different one.
  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto wanted = wanted_file(address.name);
    if (!wanted) return wanted.status();
    return probe_node(ctx_, address.name, [&](SqlSession& c) -> Result<LiveResource> {
      auto on_disk = read_hba(c);
      if (!on_disk) return on_disk.status();
      const std::string shown = shown_file(address.name, on_disk->content, *wanted);
      LiveResource live{"pg_hba.conf", {{engine::attr::kHbaRules, shown}}, {}};
      if (!on_disk->rejected.empty())
        engine::set_details(live, HbaFindings{describe_rejected(on_disk->rejected, shown)});
      return live;
    });
  }

  // A file the server rejects is never converged, even when it is the
  // spec's: a reload keeps the rules in force, but a restart would fail.
  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    if (is_unknown(live)) return plan_unknown(address, desired, *live);
    PlannedChange change = stays_with_node(engine::ResourceProvider::plan(address, desired, live));
    const std::string rejected = live ? engine::details_of<HbaFindings>(*live).rejected : "";
    if (rejected.empty() || !desired) return change;
    if (change.action == engine::Action::kNoOp) change.action = engine::Action::kUpdate;
    change.reasons.push_back(
        "the server rejects pg_hba.conf as it is on disk (a restart would fail); apply writes it again, "
        "or puts back the last one the server accepted:" +
        rejected);
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kForget || change.action == engine::Action::kDelete) {
      return {Status::ok(), std::nullopt};
    }
    const std::string node = change.address.name;
    auto wanted = wanted_file(node);
    if (!wanted) return {wanted.status(), change.before};
    LiveResource live{"pg_hba.conf", {{engine::attr::kHbaRules, shown_file(node, *wanted, *wanted)}}, {}};
    Status done = ctx_.sessions.with_connection(node, Clock::now() + ctx_.ready_timeout, [&](SqlSession& c) {
      std::string in_force = *wanted;
      Status installed = install_checked(c, *wanted, shown_file(node, *wanted, *wanted),
                                         engine::render_own_hba_rules(ctx_.spec), in_force);
      live.attributes[engine::attr::kHbaRules] = shown_file(node, in_force, *wanted);
      return installed;
    });
    return {done, live};
  }

 private:
  // The file the server is to read, secrets and all: never shown.
  Result<std::string> wanted_file(const std::string& node) const {
    auto secrets = node_config_secrets(ctx_, node);
    if (!secrets) return secrets.status();
    return engine::render_hba(ctx_.spec, node_spec(ctx_.spec, node), &*secrets);
  }

  std::string shown_file(const std::string& node, const std::string& text, const std::string& wanted) const {
    return engine::redact_hba(text, wanted, engine::hba_secret_options(node_spec(ctx_.spec, node)));
  }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_hba_provider(NodeContext& context) {
  return std::make_unique<HbaProvider>(context);
}

}  // namespace pgdecl::pg
