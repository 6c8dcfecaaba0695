#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "engine/core/result.h"

namespace pgdecl::state {

// An exclusive flock on FILE.lock for the length of a run that changes
// things (apply, destroy); commands that only read take none, since the
// state file is only ever replaced whole. The file records who holds it
// (pid, host, time), so a second run can say who is in its way.
class StateLock {
 public:
  // Waits up to `wait` (0: not at all) for another process to let go, then
  // fails with Status::conflict("state ... is locked by pid N on host H
  // since T").
  static Result<std::unique_ptr<StateLock>> acquire(const std::filesystem::path& state_file,
                                                    std::chrono::milliseconds wait = {});
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace pgdecl::state
