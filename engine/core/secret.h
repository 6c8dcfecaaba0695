#pragma once

#include <string>
#include <utility>

namespace pgdecl {

// A password or other credential. It has no stream operator, no fmt
// formatter and no JSON conversion on purpose: printing, logging or
// serialising one is a compile error. The clear text is reachable only
// through reveal(), which makes every use visible in review.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string clear_text) : clear_text_(std::move(clear_text)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&& other) noexcept : clear_text_(std::move(other.clear_text_)) { other.wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      clear_text_ = std::move(other.clear_text_);
      other.wipe();
    }
    return *this;
  }
  ~Secret() { wipe(); }

  const std::string& reveal() const { return clear_text_; }
  bool empty() const { return clear_text_.empty(); }
  bool operator==(const Secret& other) const { return clear_text_ == other.clear_text_; }

  // What every human-facing output shows instead of the value.
  static constexpr const char* kRedacted = "(sensitive value)";

 private:
  void wipe() {
    // volatile keeps the compiler from dropping the stores as dead.
    volatile char* p = clear_text_.data();
    for (std::size_t i = 0; i < clear_text_.size(); ++i) p[i] = 0;
    clear_text_.clear();
  }

  std::string clear_text_;
};

}  // namespace pgdecl
