#include "cluster/archive/wal_names.h"

#include <cstdio>

namespace pgdecl::engine {
namespace {

constexpr unsigned long long kSegmentsPerId = 0x100000000ULL / kWalSegmentBytes;

std::optional<unsigned long long> hex_number(const std::string& text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  unsigned long long value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return value;
}

}  // namespace

std::optional<SegmentName> parse_segment_name(const std::string& name) {
  static const std::string kPartial = ".partial";
  SegmentName out;
  std::string digits = name;
  if (digits.size() == 24 + kPartial.size() && digits.substr(24) == kPartial) {
    out.partial = true;
    digits.resize(24);
  }
  if (digits.size() != 24) return std::nullopt;
  auto timeline = hex_number(digits.substr(0, 8));
  auto high = hex_number(digits.substr(8, 8));
  auto low = hex_number(digits.substr(16, 8));
  if (!timeline || !high || !low || *timeline == 0 || *low >= kSegmentsPerId) return std::nullopt;
  out.timeline = static_cast<unsigned>(*timeline);
  out.segment = *high * kSegmentsPerId + *low;
  return out;
}

std::string segment_file_name(unsigned timeline, unsigned long long segment) {
  char out[25];
  std::snprintf(out, sizeof out, "%08X%08X%08X", timeline, static_cast<unsigned>(segment / kSegmentsPerId),
                static_cast<unsigned>(segment % kSegmentsPerId));
  return out;
}

std::optional<unsigned> parse_history_name(const std::string& name) {
  if (name.size() != 16 || name.substr(8) != ".history") return std::nullopt;
  auto timeline = hex_number(name.substr(0, 8));
  if (!timeline || *timeline == 0) return std::nullopt;
  return static_cast<unsigned>(*timeline);
}

std::optional<long long> parse_lsn(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string high = text.substr(0, slash), low = text.substr(slash + 1);
  for (auto* part : {&high, &low}) {
    for (char& c : *part) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
  }
  auto h = hex_number(high);
  auto l = hex_number(low);
  if (!h || !l || high.size() > 8 || low.size() > 8) return std::nullopt;
  return static_cast<long long>((*h << 32) | *l);
}

std::string format_lsn(long long lsn) {
  char out[20];
  const auto value = static_cast<unsigned long long>(lsn);
  std::snprintf(out, sizeof out, "%X/%X", static_cast<unsigned>(value >> 32), static_cast<unsigned>(value));
  return out;
}

}  // namespace pgdecl::engine
