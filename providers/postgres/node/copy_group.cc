#include "providers/postgres/node/copy_group.h"

namespace pgdecl::pg {

void CopyGroup::arm(std::set<std::string> members) {
  std::lock_guard lock(mutex_);
  members_ = std::move(members);
}

CopyGroup::Turn CopyGroup::join(const std::string& replica, std::chrono::milliseconds gather) {
  std::unique_lock lock(mutex_);
  if (members_.size() < 2 || !members_.count(replica) || started_) return {};
  if (led_) {
    followers_.push_back(replica);
    arrived_.notify_all();
    return {Turn::Kind::kFollow, {}, copied_};
  }
  led_ = true;
  copied_ = outcome_.get_future().share();
  arrived_.wait_for(lock, gather, [&] { return followers_.size() + 1 == members_.size(); });
  started_ = true;
  return {Turn::Kind::kLead, followers_, {}};
}

void CopyGroup::finish(const Status& outcome) { outcome_.set_value(outcome); }

}  // namespace pgdecl::pg
