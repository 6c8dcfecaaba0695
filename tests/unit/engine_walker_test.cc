#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/graph/walker.h"

using namespace pgdecl;
using namespace pgdecl::engine;

TEST_CASE("independent steps run at the same time", "[engine][walker]") {
  // Each step waits until the other has started: this finishes only when
  // both run in parallel.
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
  auto step = [&](std::size_t) {
    std::unique_lock lock(m);
    ++started;
    cv.notify_all();
    bool both = cv.wait_for(lock, std::chrono::seconds(10), [&] { return started == 2; });
    return both ? Status::ok() : Status::timeout("ran alone");
  };
  auto results = walk(2, {{}, {}}, 2, step);
  CHECK(results[0].outcome == StepResult::Outcome::kDone);
  CHECK(results[1].outcome == StepResult::Outcome::kDone);
}

TEST_CASE("a failure skips everything downstream of it, transitively", "[engine][walker]") {
  // 0 -> 1 -> 2, and 3 alone.
  auto results = walk(4, {{}, {0}, {1}, {}}, 1,
                      [](std::size_t i) { return i == 0 ? Status::failed("boom") : Status::ok(); });
  CHECK(results[0].outcome == StepResult::Outcome::kFailed);
  CHECK(results[1].outcome == StepResult::Outcome::kSkipped);
  CHECK(results[2].outcome == StepResult::Outcome::kSkipped);
  CHECK(results[2].blocked_by == 0);
  CHECK(results[3].outcome == StepResult::Outcome::kDone);
}

// An interrupt: the step in flight finishes, no other starts, and what was
// not started says so.
TEST_CASE("once a stop is asked for, no new step starts and the one in flight finishes", "[engine][walker]") {
  std::atomic<bool> stop{false};
  std::atomic<int> ran{0};
  // 0 -> 1 -> 2: the stop comes while 0 runs.
  auto results = walk(
      3, {{}, {0}, {1}}, 4,
      [&](std::size_t) {
        stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ++ran;
        return Status::ok();
      },
      [&] { return stop.load(); });
  CHECK(ran == 1);
  CHECK(results[0].outcome == StepResult::Outcome::kDone);
  CHECK(results[1].outcome == StepResult::Outcome::kNotRun);
  CHECK(results[2].outcome == StepResult::Outcome::kNotRun);
}

TEST_CASE("a stop that comes while workers wait is seen without any step finishing", "[engine][walker]") {
  std::atomic<bool> stop{false};
  std::atomic<bool> release{false};
  // Step 0 runs until released; three idle workers wait for work that
  // never comes. The stop must end their wait, and step 0 still finishes.
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    release = true;
  });
  auto results = walk(
      2, {{}, {0}}, 4,
      [&](std::size_t) {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return Status::ok();
      },
      [&] { return stop.load(); });
  stopper.join();
  CHECK(results[0].outcome == StepResult::Outcome::kDone);
  CHECK(results[1].outcome == StepResult::Outcome::kNotRun);
}

TEST_CASE("a step that throws fails with the exception's words; the process goes on", "[engine][walker]") {
  auto results = walk(3, {{}, {0}, {}}, 2, [](std::size_t i) -> Status {
    if (i == 0) throw std::out_of_range("map::at");
    return Status::ok();
  });
  CHECK(results[0].outcome == StepResult::Outcome::kFailed);
  CHECK(results[0].status.message() == "internal error: map::at");
  CHECK(results[1].outcome == StepResult::Outcome::kSkipped);
  CHECK(results[2].outcome == StepResult::Outcome::kDone);
}
