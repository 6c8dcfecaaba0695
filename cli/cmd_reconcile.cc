// pgdecl reconcile: pull-mode GitOps. Every --interval it reads the spec
// file and the cluster again and applies what is safe to do unattended;
// what would destroy data waits for a person. One JSON line per event.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cli/app.h"
#include "cli/options.h"
#include "cli/plan_flow.h"
#include "cluster/archive/restore_choice.h"
#include "cluster/desired/primary_facts.h"
#include "cluster/spec/loader.h"
#include "engine/core/interrupt.h"
#include "engine/model/details.h"
#include "providers/postgres/backup/base_backup.h"

namespace pgdecl::cli {
namespace {

using SystemClock = std::chrono::system_clock;

std::string utc_now() {
  const auto now = SystemClock::now();
  const std::time_t seconds = SystemClock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<int>(millis));
  return text;
}

// Events go to the real stdout, whatever apply's own printing is turned into.
class EventLog {
 public:
  explicit EventLog(std::streambuf* out) : out_(out) {}
  void emit(const std::string& event, nlohmann::json fields = nlohmann::json::object()) {
    fields["time"] = utc_now();
    fields["event"] = event;
    std::ostream(out_) << fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n"
                       << std::flush;
  }

 private:
  std::streambuf* out_;
};

// What apply prints, a line at a time, as events: its progress on stdout,
// its errors on stderr.
class LinesAsEvents : public std::stringbuf {
 public:
  // At the end: text kept back after a line is written on after it.
  LinesAsEvents(EventLog& log, std::string event)
      : std::stringbuf(std::ios::out | std::ios::ate), log_(log), event_(std::move(event)) {}
  ~LinesAsEvents() override { flush_lines(true); }

 protected:
  int sync() override {
    flush_lines(false);
    return 0;
  }

 private:
  void flush_lines(bool all) {
    std::string text = str();
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
      if (end > start) log_.emit(event_, {{"line", text.substr(start, end - start)}});
      start = end + 1;
    }
    if (all && start < text.size()) log_.emit(event_, {{"line", text.substr(start)}});
    str(all ? std::string() : text.substr(start));
  }

  EventLog& log_;
  std::string event_;
};

// Swaps std::cout and std::cerr for event lines while it lives.
class CapturedOutput {
 public:
  explicit CapturedOutput(EventLog& log)
      : out_(log, "apply"),
        err_(log, "apply_error"),
        old_out_(std::cout.rdbuf(&out_)),
        old_err_(std::cerr.rdbuf(&err_)) {}
  ~CapturedOutput() {
    std::cout.flush();
    std::cerr.flush();
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }

 private:
  LinesAsEvents out_, err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

// What reconcile remembers between its reads of the primary.
struct Memory {
  std::optional<long long> last_primary_lsn;
  std::optional<SystemClock::time_point> primary_unanswered_since;
  bool in_sync = false;
  nlohmann::json held = nlohmann::json::array();  // told once, until it changes
  // When the archive's newest backup ended (seconds since the epoch), read
  // once and then kept up to date by the backups reconcile takes; 0: none.
  std::optional<double> newest_backup;
};

// backup.schedule: a backup is due when the newest is older than it. Only
// from a cluster as the spec says: one that drifts is mended first.
void take_scheduled_backup(const spec::ClusterSpec& spec, Session& session, Memory& memory, EventLog& log) {
  if (!spec.backup.declared || !spec.backup.schedule) return;
  pg::NodeContext& context = session.node_context();
  if (!memory.newest_backup) {
    auto archive = pg::read_archive(context);
    if (!archive) {
      log.emit("backup_failed", {{"message", archive.status().message()}});
      return;
    }
    memory.newest_backup = 0;
    if (!archive->backups.empty())
      memory.newest_backup = engine::utc_seconds(archive->backups.back().ended).value_or(0);
  }
  const double now = std::chrono::duration<double>(SystemClock::now().time_since_epoch()).count();
  if (now - *memory.newest_backup < static_cast<double>(spec.backup.schedule->count())) return;
  auto node = pg::backup_source(context, std::nullopt);
  auto record = node ? pg::take_base_backup(context, *node, std::chrono::seconds(3600))
                     : Result<engine::BackupRecord>(node.status());
  // A failed one is tried again next time, not at once.
  memory.newest_backup = now;
  if (!record) {
    log.emit("backup_failed", {{"message", record.status().message()}});
    return;
  }
  log.emit("backup", {{"id", record->id}, {"node", record->node}, {"end_lsn", record->end_lsn}});
  if (auto removed = pg::apply_retention(context); !removed) {
    log.emit("retention_failed", {{"message", removed.status().message()}});
  } else if (!removed->empty()) {
    log.emit("retention", {{"removed", *removed}});
  }
}

void remember_primary(const engine::Plan& plan, Memory& memory) {
  for (const auto& change : plan.changes) {
    if (change.address.type != resource_type::kPrimary || !change.before) continue;
    const auto facts = engine::details_of<engine::PrimaryFacts>(*change.before);
    if (facts.unasked.empty()) {
      if (facts.lsn >= 0) memory.last_primary_lsn = facts.lsn;
      memory.primary_unanswered_since.reset();
    } else if (!memory.primary_unanswered_since) {
      memory.primary_unanswered_since = SystemClock::now();
    }
  }
}

// Whether the primary's server did not answer the plan's read while a
// replica did, one that a failover can promote. With none answering, the
// primary's own container is what is started again.
bool primary_unanswered(const engine::Plan& plan) {
  for (const auto& change : plan.changes) {
    if (change.address.type != resource_type::kPrimary || !change.before) continue;
    const auto facts = engine::details_of<engine::PrimaryFacts>(*change.before);
    return !facts.unasked.empty() && !facts.candidates.empty();
  }
  return false;
}

// Why a change waits, or "" when reconcile may make it now. While the
// primary does not answer and a replica could take over, nothing but the
// failover is made: the primary is not started again unattended (a
// failover after ha.failover_delay is the remedy, and a primary started
// beside a promoted one is what fencing prevents), and what its silence
// makes look changed is not changed.
std::string held_because(const engine::PlannedChange& change, bool primary_down) {
  if (change.destroys_data) return "it destroys data: pgdecl apply makes it";
  if (change.action == engine::Action::kDelete && change.address.type == resource_type::kVolume)
    return "it removes a data volume: pgdecl apply makes it";
  if (primary_down && change.address.type != resource_type::kPrimary)
    return "the primary does not answer: it is failed over after ha.failover_delay";
  return "";
}

// A targeted apply makes what its targets depend on too: a change that
// needs one that waits, waits with it.
void hold_what_needs_held(const engine::Plan& plan, std::vector<std::string>& safe, nlohmann::json& held) {
  std::set<std::string> waiting;
  for (const auto& item : held) waiting.insert(item["address"].get<std::string>());
  std::vector<std::string> still_safe;
  for (const auto& address : safe) {
    std::vector<std::string> todo{address};
    std::set<std::string> seen;
    std::string blocker;
    while (!todo.empty() && blocker.empty()) {
      const std::string at = todo.back();
      todo.pop_back();
      if (!seen.insert(at).second) continue;
      if (at != address && waiting.count(at)) blocker = at;
      if (auto found = plan.dependencies.find(at); found != plan.dependencies.end())
        todo.insert(todo.end(), found->second.begin(), found->second.end());
    }
    if (blocker.empty()) {
      still_safe.push_back(address);
    } else {
      held.push_back({{"address", address}, {"why", "it needs " + blocker + ", which waits"}});
    }
  }
  safe = std::move(still_safe);
}

void tick(const Options& given, Memory& memory, EventLog& log) {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_file(given.spec_file, diagnostics);
  if (!spec) {
    log.emit("spec_invalid", {{"spec", given.spec_file}, {"diagnostics", diagnostics.to_string()}});
    return;
  }
  Options options = given;
  options.last_primary_lsn = memory.last_primary_lsn;
  options.primary_unanswered_since = memory.primary_unanswered_since;
  options.auto_approve = true;

  std::vector<std::string> safe;
  {
    auto session = Session::open(*spec, options, Session::Access::kRead);
    if (!session) {
      log.emit("error", {{"message", session.status().message()}});
      return;
    }
    auto plan = (*session)->make_plan(options, false);
    if (!plan) {
      log.emit("plan_failed", {{"message", plan.status().message()}});
      return;
    }
    remember_primary(*plan, memory);
    const bool primary_down = primary_unanswered(*plan);
    nlohmann::json held = nlohmann::json::array();
    for (const auto& change : plan->changes) {
      if (!change.is_change()) continue;
      const std::string why = held_because(change, primary_down);
      if (why.empty()) {
        safe.push_back(change.address.to_string());
      } else {
        held.push_back({{"address", change.address.to_string()}, {"why", why}});
      }
    }
    if (!held.empty()) hold_what_needs_held(*plan, safe, held);
    if (!held.empty() && held != memory.held) log.emit("held", {{"changes", held}});
    memory.held = held;
    if (safe.empty()) {
      if (held.empty() && !memory.in_sync) log.emit("in_sync", {{"cluster", spec->name}});
      memory.in_sync = held.empty();
      if (held.empty()) take_scheduled_backup(*spec, **session, memory, log);
      return;
    }
    memory.in_sync = false;
    log.emit("drift", {{"changes", safe}});
    // Only what is safe: the rest stays out of reach of this apply.
    if (!held.empty()) options.targets = safe;
  }
  // The lock only while applying; a run of someone else's is waited for
  // no longer than --lock-timeout, and tried again next time.
  options.hold_destructive = true;
  int code = kExitError;
  {
    CapturedOutput captured(log);
    auto planned = open_and_plan(options, false, Session::Access::kChange);
    if (planned && planned->plan.has_changes()) {
      print_plan(planned->plan);
      code = apply_and_report(*planned->session, planned->plan, options);
    } else if (planned) {
      code = kExitOk;
    }
  }
  log.emit("applied", {{"exit_code", code}});
}

}  // namespace

int command_reconcile(const Options& options) {
  EventLog log(std::cout.rdbuf());
  install_interrupt_handlers();
  log.emit("start", {{"spec", options.spec_file}, {"interval_seconds", options.interval.count()}});
  Memory memory;
  while (!interrupt_requested()) {
    const auto started = std::chrono::steady_clock::now();
    tick(options, memory, log);
    while (!interrupt_requested() && std::chrono::steady_clock::now() - started < options.interval) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  log.emit("stop");
  return kExitOk;
}

}  // namespace pgdecl::cli
