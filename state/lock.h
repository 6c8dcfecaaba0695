#pragma once

#include <filesystem>
#include <memory>

#include "engine/core/result.h"

namespace pgdecl::state {

// An exclusive flock on FILE.lock for the length of a run. The file records
// who holds it (pid, host, time), so a second run can say who is in its way.
class StateLock {
 public:
  // Fails with Status::conflict("state ... is locked by pid N on host H
  // since T") when another process holds it; never waits.
  static Result<std::unique_ptr<StateLock>> acquire(const std::filesystem::path& state_file);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace pgdecl::state
