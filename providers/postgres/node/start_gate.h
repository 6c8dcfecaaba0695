#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace pgdecl::pg {

// Holds replica containers back until the master's container has been
// started, when an apply starts both: Docker starts containers one after
// another, and the master's start is on the way to everything else, while
// a replica's container only waits for its copy. Unarmed, it holds nobody.
class StartGate {
 public:
  StartGate() = default;
  // Moved only while its context is built, before any thread uses it.
  StartGate(StartGate&& other) noexcept : armed_(other.armed_), open_(other.open_) {}

  void arm() {
    std::lock_guard lock(mutex_);
    armed_ = true;
    open_ = false;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  // Returns once open or unarmed (true), or after `at_most` (false): the
  // gate orders starts, it never blocks an apply.
  bool pass(std::chrono::milliseconds at_most) {
    std::unique_lock lock(mutex_);
    return opened_.wait_for(lock, at_most, [this] { return !armed_ || open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool armed_ = false;
  bool open_ = false;
};

}  // namespace pgdecl::pg
