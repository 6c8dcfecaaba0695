#include "engine/graph/walker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace pgdecl::engine {
namespace {

class Walk {
 public:
  Walk(std::size_t n, const std::vector<std::vector<std::size_t>>& prerequisites,
       const std::function<Status(std::size_t)>& run_step, const std::function<bool()>& stop_requested)
      : results_(n), waiting_(n), followers_(n), run_step_(run_step), stop_requested_(stop_requested) {
    for (std::size_t step = 0; step < n; ++step) {
      waiting_[step] = prerequisites[step].size();
      for (auto before : prerequisites[step]) followers_[before].push_back(step);
      if (waiting_[step] == 0) ready_.push_back(step);
    }
    unfinished_ = n;
  }

  void worker() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return !ready_.empty() || unfinished_ == 0 || stopping(); });
      if (unfinished_ == 0 || stopping()) return;
      std::size_t step = ready_.front();
      ready_.pop_front();
      lock.unlock();
      Status status = run_guarded(step);
      lock.lock();
      finish(step, std::move(status));
      changed_.notify_all();
    }
  }

  // Wakes the workers that wait for a step, so they see an interrupt.
  void nudge() {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  }

  std::vector<StepResult> take_results() { return std::move(results_); }

 private:
  // Checked under the lock; once true it stays true, so no worker waits
  // forever for steps that will never be ready.
  bool stopping() {
    if (!stopped_ && stop_requested_ && stop_requested_()) stopped_ = true;
    return stopped_;
  }

  Status run_guarded(std::size_t step) {
    try {
      return run_step_(step);
    } catch (const std::exception& e) {
      return Status::failed(std::string("internal error: ") + e.what());
    } catch (...) {
      return Status::failed("internal error: an unknown exception");
    }
  }

  void finish(std::size_t step, Status status) {
    --unfinished_;
    if (status.is_ok()) {
      results_[step].outcome = StepResult::Outcome::kDone;
      for (auto follower : followers_[step]) {
        if (--waiting_[follower] == 0 && results_[follower].outcome == StepResult::Outcome::kNotRun) {
          ready_.push_back(follower);
        }
      }
      return;
    }
    results_[step].outcome = StepResult::Outcome::kFailed;
    results_[step].status = std::move(status);
    skip_followers(step, step);
  }

  void skip_followers(std::size_t step, std::size_t failed) {
    for (auto follower : followers_[step]) {
      if (results_[follower].outcome != StepResult::Outcome::kNotRun) continue;
      results_[follower].outcome = StepResult::Outcome::kSkipped;
      results_[follower].blocked_by = failed;
      --unfinished_;
      skip_followers(follower, failed);
    }
  }

  std::vector<StepResult> results_;
  std::vector<std::size_t> waiting_;
  std::vector<std::vector<std::size_t>> followers_;
  std::deque<std::size_t> ready_;
  std::size_t unfinished_ = 0;
  bool stopped_ = false;
  const std::function<Status(std::size_t)>& run_step_;
  const std::function<bool()>& stop_requested_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace

std::vector<StepResult> walk(std::size_t step_count,
                             const std::vector<std::vector<std::size_t>>& prerequisites, int parallelism,
                             const std::function<Status(std::size_t)>& run_step,
                             const std::function<bool()>& stop_requested) {
  Walk state(step_count, prerequisites, run_step, stop_requested);
  std::size_t workers =
      std::clamp<std::size_t>(parallelism < 1 ? 1 : parallelism, 1, std::max<std::size_t>(step_count, 1));
  std::vector<std::thread> threads;
  std::atomic<int> working{static_cast<int>(workers)};
  for (std::size_t i = 0; i < workers; ++i) {
    threads.emplace_back([&state, &working] {
      state.worker();
      --working;
    });
  }
  // A signal handler cannot wake a condition variable: an idle worker
  // looks again every few milliseconds while an interrupt may come.
  if (stop_requested) {
    while (working > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      state.nudge();
    }
  }
  for (auto& thread : threads) thread.join();
  return state.take_results();
}

}  // namespace pgdecl::engine
