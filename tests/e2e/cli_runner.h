#pragma once

// Runs the real pgdecl binary, as a user would, and keeps what it said.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pgdecl::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `args` is passed through sh; tests give only their own temp paths.
inline CliResult run_pgdecl(const std::filesystem::path& dir, const std::string& args) {
  const auto out = dir / "cli.out", err = dir / "cli.err";
  std::string command = "cd '" + dir.string() + "' && " + PGDECL_BINARY + " " + args + " </dev/null >'" +
                        out.string() + "' 2>'" + err.string() + "'";
  int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

// Any command, for looking at what pgdecl made (docker inspect, say).
inline CliResult run_command(const std::string& command) {
  auto dir = std::filesystem::temp_directory_path();
  const auto out = dir / ("pgdecl-cmd-" + std::to_string(::getpid()) + ".out");
  int status = std::system((command + " >'" + out.string() + "' 2>&1").c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  std::filesystem::remove(out);
  return result;
}

}  // namespace pgdecl::testing
