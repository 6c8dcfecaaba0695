#include "cluster/archive/archive_listing.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cluster/archive/wal_names.h"

namespace pgdecl::engine {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BackupRecord, id, node, started, ended, start_lsn, end_lsn,
                                                timeline, bytes, verified, checked, problem)

namespace {

Status read_line(const std::string& line, ArchiveListing& out) {
  const auto space = line.find(' ');
  const std::string kind = line.substr(0, space),
                    rest = space == std::string::npos ? "" : line.substr(space + 1);
  if (kind == "backup") {
    auto json = nlohmann::json::parse(rest, nullptr, false);
    if (json.is_discarded() || !json.is_object())
      return Status::failed("the archive holds a backup description that is not JSON: " + rest);
    out.backups.push_back(json.get<BackupRecord>());
  } else if (kind == "running") {
    out.unfinished.push_back(rest);
  } else if (kind == "wal") {
    std::istringstream fields(rest);
    WalFile file;
    if (!(fields >> file.name >> file.bytes >> file.modified))
      return Status::failed("unreadable line of the archive's listing: " + line);
    out.wal.push_back(file);
  } else {
    return Status::failed("unreadable line of the archive's listing: " + line);
  }
  return Status::ok();
}

}  // namespace

Result<ArchiveListing> parse_archive_listing(const std::string& output) {
  ArchiveListing out;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (auto s = read_line(line, out); !s) return s;
  }
  std::sort(out.backups.begin(), out.backups.end(),
            [](const BackupRecord& a, const BackupRecord& b) { return a.id < b.id; });
  std::sort(out.wal.begin(), out.wal.end(),
            [](const WalFile& a, const WalFile& b) { return a.name < b.name; });
  return out;
}

unsigned newest_timeline(const ArchiveListing& archive) {
  unsigned newest = 0;
  for (const WalFile& file : archive.wal) {
    if (auto segment = parse_segment_name(file.name)) newest = std::max(newest, segment->timeline);
    if (auto history = parse_history_name(file.name)) newest = std::max(newest, *history);
  }
  return newest;
}

std::optional<WalFile> newest_segment(const ArchiveListing& archive) {
  std::optional<WalFile> newest;
  std::optional<SegmentName> newest_name;
  for (const WalFile& file : archive.wal) {
    auto name = parse_segment_name(file.name);
    if (!name) continue;
    const bool later = !newest_name || name->segment > newest_name->segment ||
                       (name->segment == newest_name->segment && name->timeline > newest_name->timeline);
    if (later) {
      newest = file;
      newest_name = name;
    }
  }
  return newest;
}

std::vector<std::string> wal_gaps(const ArchiveListing& archive, long long from_lsn) {
  std::set<unsigned long long> whole;
  std::optional<SegmentName> last;
  for (const WalFile& file : archive.wal) {
    auto name = parse_segment_name(file.name);
    if (!name) continue;
    if (!name->partial) whole.insert(name->segment);
    if (!last || name->segment > last->segment) last = name;
  }
  std::vector<std::string> gaps;
  const unsigned long long first = segment_of(from_lsn);
  if (!last || last->segment < first) {
    gaps.push_back("the archive holds no WAL from " + format_lsn(from_lsn) + " on");
    return gaps;
  }
  bool missing = false;
  unsigned long long missing_from = 0;
  for (unsigned long long segment = first; segment <= last->segment; ++segment) {
    // The archive's last segment may be the one pg_receivewal is writing.
    const bool there = whole.count(segment) || (segment == last->segment && last->partial);
    if (!there && !missing) {
      missing = true;
      missing_from = segment;
    }
    if (there && missing) {
      gaps.push_back("segments " + segment_file_name(1, missing_from).substr(8) + " to " +
                     segment_file_name(1, segment - 1).substr(8) + " are missing");
      missing = false;
    }
  }
  return gaps;
}

std::vector<std::string> archive_problems(const engine::ArchiveListing& archive) {
  std::vector<std::string> problems;
  for (const auto& record : archive.backups) {
    if (!record.verified)
      problems.push_back("backup " + record.id + " failed verification: " + record.problem);
  }
  for (const auto& name : archive.unfinished)
    problems.push_back("backup " + name + " was cut short (the next backup removes it)");
  if (!archive.backups.empty()) {
    if (auto start = parse_lsn(archive.backups.front().start_lsn)) {
      for (const auto& gap : wal_gaps(archive, *start))
        problems.push_back("WAL after backup " + archive.backups.front().id + ": " + gap);
    }
  }
  return problems;
}

}  // namespace pgdecl::engine
