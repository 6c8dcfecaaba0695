#pragma once

#include <chrono>
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
};

int command_validate(const Options& options);
int command_graph(const Options& options);
int command_plan(const Options& options);
int command_apply(const Options& options);
int command_destroy(const Options& options);
int command_show(const Options& options);
int command_status(const Options& options);
int command_output(const Options& options);

}  // namespace pgdecl::cli
