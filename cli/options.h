#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/duration.h"

namespace pgdecl::cli {

// Everything the command line can say, for every command.
struct Options {
  std::string spec_file = "pgdecl.yaml";
  std::string state_file;  // empty: .pgdecl/<name>.state.json beside the spec
  std::string plan_out;
  std::string plan_in;  // apply PLANFILE
  bool json = false;
  bool detailed_exitcode = false;
  bool auto_approve = false;
  bool purge_volumes = false;
  // A failover goes ahead even when the old primary cannot be fenced, or
  // the replica it promotes lags beyond ha.max_lag.
  bool force = false;
  // reconcile: what would destroy data is left for a person, also in the
  // plan apply makes after a primary moved.
  bool hold_destructive = false;
  int parallelism = 4;
  // How long apply waits for a server to accept connections and for a
  // replica to stream.
  std::chrono::seconds timeout = kDefaultTimeout;
  // How long apply and destroy wait for another run to let go of the state.
  std::chrono::seconds lock_timeout{0};
  std::vector<std::string> targets;
  std::vector<std::string> replace;
  std::string output_name;                   // output NAME: only that value, bare
  std::string output_database = "postgres";  // the database the URIs name
  // reconcile: how often it reads the spec and the cluster again.
  std::chrono::seconds interval{10};
  // What a reconcile knows from its earlier reads of the primary (see
  // pg::NodeContext): carried into each run's session.
  std::optional<long long> last_primary_lsn;
  std::optional<std::chrono::system_clock::time_point> primary_unanswered_since;
  // backup: the node to copy from, instead of the one backup.from picks,
  // and how long the copy and its verification may take.
  std::optional<std::string> backup_from;
  std::chrono::seconds backup_timeout{3600};
  // backups: check every backup with pg_verifybackup again.
  bool verify = false;
};

int command_validate(const Options& options);
int command_graph(const Options& options);
int command_plan(const Options& options);
int command_apply(const Options& options);
int command_destroy(const Options& options);
int command_show(const Options& options);
int command_status(const Options& options);
int command_output(const Options& options);
int command_reconcile(const Options& options);
int command_backup(const Options& options);
int command_backups(const Options& options);

}  // namespace pgdecl::cli
