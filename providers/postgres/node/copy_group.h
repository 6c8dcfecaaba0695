#pragma once

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/core/status.h"

namespace pgdecl::pg {

// Replicas that get new volumes in the same apply share one base backup:
// the first of them ready to copy waits a moment for the others, copies
// from the master once, and clones the copy into their volumes. Three
// copies at once would each make the master checkpoint, switch WAL segment
// and send everything, on the same CPUs; one copy and local clones take a
// fraction of that. A member that comes late copies on its own.
class CopyGroup {
 public:
  struct Turn {
    enum class Kind { kAlone, kLead, kFollow };
    Kind kind = Kind::kAlone;
    std::vector<std::string> followers;  // kLead: who gets a clone
    std::shared_future<Status> copied;   // kFollow: how the leader's copy went
  };

  CopyGroup() = default;
  // Moved only while its context is built, before any thread uses it.
  CopyGroup(CopyGroup&& other) noexcept : members_(std::move(other.members_)) {}

  // The replicas whose copy this apply makes into a new volume.
  void arm(std::set<std::string> members);
  // A member ready to copy (its slot and container exist). The first waits
  // up to `gather` for the others and leads; those that came meanwhile
  // follow it. Anyone else, or a member after the copy started, is alone.
  Turn join(const std::string& replica, std::chrono::milliseconds gather);
  // The leader tells its followers how the copy went. Must be called once
  // by a leader, whatever happened.
  void finish(const Status& outcome);

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::set<std::string> members_;
  bool led_ = false;
  bool started_ = false;
  std::vector<std::string> followers_;
  std::promise<Status> outcome_;
  std::shared_future<Status> copied_;
};

}  // namespace pgdecl::pg
