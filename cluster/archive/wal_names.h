#pragma once

#include <optional>
#include <string>

namespace pgdecl::engine {

// The WAL segment size of every cluster pgdecl makes: initdb's default,
// which pgdecl never changes.
inline constexpr long long kWalSegmentBytes = 16LL * 1024 * 1024;

// A WAL segment file's name: 8 hex digits of timeline, then the segment
// number in two halves of 8; pg_receivewal adds .partial to the segment it
// is still writing.
struct SegmentName {
  unsigned timeline = 0;
  unsigned long long segment = 0;
  bool partial = false;
};
std::optional<SegmentName> parse_segment_name(const std::string& name);
std::string segment_file_name(unsigned timeline, unsigned long long segment);

// "00000002.history": the timeline whose history it is.
std::optional<unsigned> parse_history_name(const std::string& name);

// An LSN as PostgreSQL writes it ("0/3000060"), and back.
std::optional<long long> parse_lsn(const std::string& text);
std::string format_lsn(long long lsn);

inline unsigned long long segment_of(long long lsn) {
  return static_cast<unsigned long long>(lsn) / kWalSegmentBytes;
}

}  // namespace pgdecl::engine
