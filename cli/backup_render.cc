#include "cli/backup_render.h"

#include <cstdio>
#include <sstream>

#include "cluster/archive/wal_names.h"

namespace pgdecl::cli {
namespace {

std::string size_text(long long bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof out, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return out;
}

std::string verified_text(const engine::BackupRecord& record) {
  return record.verified ? "verified" : "NOT verified: " + record.problem;
}

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string backup_line(const engine::BackupRecord& record) {
  return "backup " + record.id + " of " + record.node + ": " + record.start_lsn + " to " + record.end_lsn +
         " on timeline " + std::to_string(record.timeline) + ", " + size_text(record.bytes) + ", " +
         verified_text(record) + "\n";
}

nlohmann::json backup_json(const engine::BackupRecord& record) {
  return {{"id", record.id},
          {"node", record.node},
          {"started", record.started},
          {"ended", record.ended},
          {"start_lsn", record.start_lsn},
          {"end_lsn", record.end_lsn},
          {"timeline", record.timeline},
          {"bytes", record.bytes},
          {"verified", record.verified},
          {"checked", record.checked},
          {"problem", record.problem}};
}

std::string render_archive_text(const engine::ArchiveListing& archive) {
  std::ostringstream out;
  if (archive.backups.empty()) {
    out << "No backups in the archive yet: take one with pgdecl backup.\n";
  } else {
    out << padded("ID", 18) << padded("NODE", 12) << padded("STARTED", 28) << padded("ENDED", 28)
        << padded("START LSN", 12) << padded("END LSN", 12) << padded("TL", 4) << padded("SIZE", 10)
        << "VERIFIED\n";
    for (const auto& record : archive.backups) {
      out << padded(record.id, 18) << padded(record.node, 12) << padded(record.started, 28)
          << padded(record.ended, 28) << padded(record.start_lsn, 12) << padded(record.end_lsn, 12)
          << padded(std::to_string(record.timeline), 4) << padded(size_text(record.bytes), 10)
          << (record.verified ? "yes" : "NO: " + record.problem) << "\n";
    }
  }
  long long wal_bytes = 0;
  for (const auto& file : archive.wal) wal_bytes += file.bytes;
  auto newest = engine::newest_segment(archive);
  out << "\nWAL: " << archive.wal.size() << " files, " << size_text(wal_bytes);
  if (newest) out << ", newest " << newest->name << " on timeline " << engine::newest_timeline(archive);
  out << "\n";
  for (const auto& problem : engine::archive_problems(archive)) out << "problem: " << problem << "\n";
  return out.str();
}

nlohmann::json archive_json(const engine::ArchiveListing& archive) {
  nlohmann::json backups = nlohmann::json::array();
  for (const auto& record : archive.backups) backups.push_back(backup_json(record));
  nlohmann::json wal = nlohmann::json::array();
  for (const auto& file : archive.wal) wal.push_back({{"name", file.name}, {"bytes", file.bytes}});
  return {{"backups", backups}, {"wal", wal}, {"problems", engine::archive_problems(archive)}};
}

}  // namespace pgdecl::cli
