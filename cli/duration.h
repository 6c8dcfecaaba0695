#pragma once

#include <chrono>
#include <string>

#include "engine/core/result.h"

namespace pgdecl::cli {

// How long apply waits, written as Terraform's timeouts are: whole numbers
// each with a unit (h, m, s), as in 90s, 2m or 1m30s (no fractions, no ms).
// At least one second and at most a day; the error says what was expected.
inline constexpr std::chrono::seconds kDefaultTimeout{120};
// `zero_allowed`: "0s" means "do not wait" (--lock-timeout).
Result<std::chrono::seconds> parse_duration(const std::string& text, bool zero_allowed = false);

}  // namespace pgdecl::cli
