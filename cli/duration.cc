#include "cli/duration.h"

#include <cctype>

namespace pgdecl::cli {
namespace {

constexpr std::chrono::hours kLongest{24};

// The seconds in one unit, or 0 for a letter that is not one.
long long unit_seconds(char unit) {
  switch (unit) {
    case 'h':
      return 3600;
    case 'm':
      return 60;
    case 's':
      return 1;
    default:
      return 0;
  }
}

}  // namespace

Result<std::chrono::seconds> parse_duration(const std::string& text, bool zero_allowed) {
  const Status malformed = Status::invalid_argument(
      "not a duration: write numbers each with a unit (h, m or s), e.g. 90s, 2m or 1m30s");
  if (text.empty()) return malformed;
  long long total = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t digits = at;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    // A number without a unit (or a unit without a number), an unknown unit,
    // or "ms", whose "m" would otherwise read as minutes.
    if (digits == at || digits - at > 6 || digits == text.size()) return malformed;
    const long long unit = unit_seconds(text[digits]);
    if (unit == 0 || (digits + 1 < text.size() && std::isalpha(static_cast<unsigned char>(text[digits + 1]))))
      return malformed;
    total += std::stoll(text.substr(at, digits - at)) * unit;
    at = digits + 1;
  }
  if (total < 1 && !zero_allowed) return Status::invalid_argument("must be at least 1s");
  if (total > std::chrono::seconds(kLongest).count()) return Status::invalid_argument("must be at most 24h");
  return std::chrono::seconds(total);
}

}  // namespace pgdecl::cli
