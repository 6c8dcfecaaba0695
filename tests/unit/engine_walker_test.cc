#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "engine/apply/walker.h"

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
