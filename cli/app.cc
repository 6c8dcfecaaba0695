#include "cli/app.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "cli/options.h"
#include "cli/output.h"
#include "cli/process_hardening.h"

namespace pgdecl::cli {
namespace {

void set_up_logging(const std::string& level_name) {
  // Logs go to stderr so that stdout carries only results.
  auto logger = spdlog::stderr_color_mt("pgdecl");
  spdlog::set_default_logger(logger);
  std::string name = level_name;
  if (name.empty() && std::getenv("PGDECL_LOG")) name = std::getenv("PGDECL_LOG");
  const auto level = name.empty() ? spdlog::level::warn : spdlog::level::from_str(name);
  spdlog::set_level(level);
  // Trace is for timelines: each line says when, to the millisecond.
  logger->set_pattern(level == spdlog::level::trace ? "%H:%M:%S.%e %^%l%$: %v" : "%^%l%$: %v");
}

void add_spec_options(CLI::App* command, Options& options) {
  command->add_option("-f,--file", options.spec_file, "The cluster spec (default: pgdecl.yaml)");
  command->add_option("--state", options.state_file,
                      "State file (default: .pgdecl/<name>.state.json beside the spec)");
}

void add_plan_options(CLI::App* command, Options& options) {
  command->add_option("--target", options.targets, "Limit to this resource address and what it needs");
  command->add_option("--replace", options.replace, "Replace this resource even if it matches the spec");
  command->add_flag("--purge-volumes", options.purge_volumes,
                    "Remove the data volumes that leave the spec (a removed replica's) instead of keeping "
                    "them; never the master's");
  command->add_flag("--force", options.force,
                    "Fail over even when the old primary cannot be fenced, or the replica promoted lags "
                    "beyond ha.max_lag");
}

}  // namespace

int run(int argc, char** argv) {
  keep_secrets_out_of_core_dumps();
  Options options;
  std::string log_level;
  std::string timeout = std::to_string(kDefaultTimeout.count()) + "s";
  std::string lock_timeout = "0s";
  CLI::App app{"pgdecl: a PostgreSQL primary and its streaming replicas on Docker, declared in one spec"};
  app.set_version_flag("--version", std::string("pgdecl ") + PGDECL_VERSION);
  app.add_option("--log-level", log_level, "trace, debug, info, warn (default), error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.require_subcommand(1);

  auto* validate = app.add_subcommand("validate", "Check a spec and report every problem in it");
  add_spec_options(validate, options);
  auto* graph = app.add_subcommand("graph", "Print the dependency graph as Graphviz DOT");
  add_spec_options(graph, options);

  auto* plan = app.add_subcommand("plan", "Show what apply would change (changes nothing)");
  add_spec_options(plan, options);
  add_plan_options(plan, options);
  plan->add_option("--out", options.plan_out, "Save the plan for `pgdecl apply PLANFILE`");
  plan->add_flag("--json", options.json, "Print the plan as JSON");
  plan->add_flag("--detailed-exitcode", options.detailed_exitcode,
                 "Exit 2 when there are changes, 0 when none");
  plan->add_option("--timeout", timeout,
                   "How long to wait for a server to answer a connection or a statement, e.g. 90s, 5m "
                   "(default 120s)")
      ->type_name("DURATION");

  auto* apply = app.add_subcommand("apply", "Bring the cluster to the spec");
  add_spec_options(apply, options);
  add_plan_options(apply, options);
  apply->add_option("planfile", options.plan_in, "A plan saved by `pgdecl plan --out`");
  apply->add_flag("--auto-approve", options.auto_approve, "Do not ask for confirmation");
  apply->add_option("--parallelism", options.parallelism, "Steps run at once (default 4)")
      ->check(CLI::Range(1, 64));
  apply
      ->add_option("--timeout", timeout,
                   "How long to wait for a server to accept connections, for each replica to stream and "
                   "for a server to answer a statement, e.g. 90s, 5m, 1m30s (default 120s)")
      ->type_name("DURATION");

  auto* destroy = app.add_subcommand("destroy", "Remove the cluster's containers and network");
  add_spec_options(destroy, options);
  for (auto* changing : {apply, destroy}) {
    changing
        ->add_option("--lock-timeout", lock_timeout,
                     "How long to wait for another apply or destroy of this cluster to finish, e.g. 30s "
                     "(default 0s: fail at once, saying who holds the state)")
        ->type_name("DURATION");
  }
  destroy->add_flag("--auto-approve", options.auto_approve, "Do not ask for confirmation");
  destroy->add_flag("--purge-volumes", options.purge_volumes, "Remove the data volumes too");
  // The same words wherever volumes can go.
  const char* volumes_footer =
      "Data volumes are kept unless --purge-volumes is given or the spec (or, once the volume has left\n"
      "the spec, the state) says prevent_destroy: false; the plan says which it keeps.";
  plan->footer(volumes_footer);
  apply->footer(std::string(volumes_footer) + "\nApplying a PLANFILE does what it says about volumes.");
  destroy->footer(volumes_footer);

  auto* show = app.add_subcommand("show", "Print what the state holds");
  add_spec_options(show, options);
  show->add_flag("--json", options.json, "As JSON");

  auto* status = app.add_subcommand("status", "Show the live health of nodes, roles and replication");
  add_spec_options(status, options);
  // 2 stays plan's "there are changes", so a script can tell the two apart.
  status->footer(
      "Reads Docker and the master; changes nothing.\n"
      "Exit codes: 0 healthy (the master accepts connections and every replica is streaming),\n"
      "3 the cluster was read but is not healthy, 1 error (spec, state, Docker).");
  status->add_flag("--json", options.json, "As JSON");
  status
      ->add_option("--timeout", timeout,
                   "How long to wait for a server to answer a connection or a statement, e.g. 90s, 5m "
                   "(default 120s)")
      ->type_name("DURATION");

  auto* output = app.add_subcommand("output", "Print how clients connect: URIs that follow the primary");
  add_spec_options(output, options);
  output->add_option("NAME", options.output_name,
                     "Print only this output's value (primary_uri, read_only_uri)");
  output->add_option("--database", options.output_database, "The database the URIs name (default postgres)");
  output->add_flag("--json", options.json, "As JSON");
  output->footer(
      "Reads Docker only; changes nothing. primary_uri lists every node with\n"
      "target_session_attrs=read-write, so libpq finds the node that takes writes;\n"
      "read_only_uri lists the replicas first, with target_session_attrs=prefer-standby.\n"
      "Neither holds a user or a password: give the client's own (PGUSER, PGPASSWORD, ~/.pgpass).");

  auto* reconcile =
      app.add_subcommand("reconcile", "Keep the cluster as the spec says, until SIGTERM or SIGINT");
  add_spec_options(reconcile, options);
  std::string interval = "10s";
  reconcile
      ->add_option("--interval", interval, "How often to read the spec and the cluster again (default 10s)")
      ->type_name("DURATION");
  reconcile
      ->add_option("--timeout", timeout,
                   "How long each apply waits for a server or a replica, e.g. 90s, 5m (default 120s)")
      ->type_name("DURATION");
  reconcile->footer(
      "Every --interval it reads the spec file and the cluster, and applies what is safe unattended:\n"
      "a failover, starting a stopped replica, copying a lost replica again, putting drift back,\n"
      "and a base backup when the newest is older than backup.schedule (then retention).\n"
      "A change that destroys data waits for a person (pgdecl apply). One JSON line per event on\n"
      "stdout. The state lock is held only while it applies.");

  auto* backup = app.add_subcommand("backup", "Take a base backup into the spec's archive, and verify it");
  add_spec_options(backup, options);
  std::string from;
  backup->add_option("--from", from, "The node to copy (default: a streaming replica, as backup.from says)");
  std::string backup_timeout = "1h";
  backup
      ->add_option("--timeout", backup_timeout,
                   "How long the copy and its verification may take (default 1h)")
      ->type_name("DURATION");
  backup->add_flag("--json", options.json, "As JSON");
  backup->footer("Exit codes: 0 the backup is in the archive and verified by pg_verifybackup, 1 it is not.");
  auto* backups = app.add_subcommand("backups", "List the backups and the WAL in the spec's archive");
  add_spec_options(backups, options);
  backups->add_flag("--json", options.json, "As JSON");
  backups->add_flag("--verify", options.verify,
                    "Check every backup again with pg_verifybackup, and record what it finds");
  backups->footer(
      "Reads the archive; changes nothing.\n"
      "Exit codes: 0 no problem, 3 a backup failed verification or WAL is missing, 1 error.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  }
  set_up_logging(log_level);
  auto waited = parse_duration(timeout);
  if (!waited) {
    print_error("--timeout " + timeout + ": " + waited.status().message());
    return kExitError;
  }
  options.timeout = *waited;
  auto lock_wait = parse_duration(lock_timeout, /*zero_allowed=*/true);
  if (!lock_wait) {
    print_error("--lock-timeout " + lock_timeout + ": " + lock_wait.status().message());
    return kExitError;
  }
  options.lock_timeout = *lock_wait;
  if (*reconcile) {
    auto every = parse_duration(interval);
    if (!every) {
      print_error("--interval " + interval + ": " + every.status().message());
      return kExitError;
    }
    options.interval = *every;
    return command_reconcile(options);
  }

  if (*backup) {
    auto allowed = parse_duration(backup_timeout);
    if (!allowed) {
      print_error("--timeout " + backup_timeout + ": " + allowed.status().message());
      return kExitError;
    }
    options.backup_timeout = *allowed;
    if (!from.empty()) options.backup_from = from;
    return command_backup(options);
  }
  if (*backups) return command_backups(options);
  if (*validate) return command_validate(options);
  if (*graph) return command_graph(options);
  if (*plan) return command_plan(options);
  if (*apply) return command_apply(options);
  if (*destroy) return command_destroy(options);
  if (*show) return command_show(options);
  if (*status) return command_status(options);
  if (*output) return command_output(options);
  return kExitError;
}

}  // namespace pgdecl::cli
