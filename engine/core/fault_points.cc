#include "engine/core/fault_points.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace pgdecl {
namespace {

std::string from_environment(const char* name) {
  const char* set = std::getenv(name);
  return set ? set : "";
}

const std::string& kill_at() {
  static const std::string value = from_environment("PGDECL_TEST_KILL_AT");
  return value;
}

const std::string& stop_at() {
  static const std::string value = from_environment("PGDECL_TEST_STOP_AT");
  return value;
}

std::atomic<int> boundaries{0};

[[noreturn]] void die_here(const std::string& where) {
  spdlog::default_logger()->flush();
  std::fprintf(stderr, "pgdecl: killed at %s (PGDECL_TEST_KILL_AT)\n", where.c_str());
  std::fflush(stderr);
  std::raise(SIGKILL);
  std::abort();  // not reached: SIGKILL cannot be caught
}

}  // namespace

void fault_point(const char* name) {
  if (!kill_at().empty() && kill_at() == name) die_here(name);
}

void step_boundary(const std::string& what) {
  const int number = ++boundaries;
  spdlog::trace("boundary {}: {}", number, what);
  if (!kill_at().empty() && kill_at() == "boundary:" + std::to_string(number)) {
    die_here("boundary " + std::to_string(number) + " (" + what + ")");
  }
  if (!stop_at().empty() && stop_at() == what) {
    spdlog::default_logger()->flush();
    std::raise(SIGSTOP);
  }
}

}  // namespace pgdecl
