#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "cluster/spec/formats.h"
#include "cluster/spec/reader.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kBackupKeys = {"volume", "directory", "synchronous",
                                              "from",   "schedule",  "retention"};
const std::vector<std::string> kRestoreKeys = {"volume", "directory", "backup", "target"};
constexpr long long kMaxRetention = 100'000;

// Where an archive is: a volume or a host directory, never both.
struct ArchivePlace {
  std::string volume;
  std::filesystem::path directory;
};

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

int number_at(const std::string& text, std::size_t at, std::size_t digits) {
  return std::atoi(text.substr(at, digits).c_str());
}

// "/srv/a/../b/" is /srv/b: the path is kept as the archive's identity, so
// two spellings of one folder compare equal.
std::filesystem::path absolute_folder(const std::filesystem::path& dir, const std::string& written) {
  std::filesystem::path path = (dir / written).lexically_normal();
  if (path.filename().empty() && path.has_relative_path()) path = path.parent_path();
  return path;
}

std::optional<std::string> read_non_empty(Reader& reader, const Entry& entry) {
  auto text = reader.text(entry);
  if (text && text->empty()) {
    reader.error(entry.value_pos, "expected a non-empty value for '" + entry.key + "'");
    return std::nullopt;
  }
  return text;
}

// Exactly one of volume and directory; `section` names the map in errors.
ArchivePlace read_place(Reader& reader, MapReader& map, const Entry& section,
                        const std::filesystem::path& dir) {
  ArchivePlace place;
  const Entry* volume = map.find("volume");
  const Entry* directory = map.find("directory");
  if (volume && directory) {
    reader.error(section.value_pos, "expected exactly one of volume or directory for '" + section.key +
                                        "', got volume, directory");
    return place;
  }
  if (!volume && !directory) {
    // A misspelt one is reported already: one mistake, one error.
    if (map.misspelt().count("volume") || map.misspelt().count("directory")) return place;
    reader.error(section.value_pos,
                 "expected exactly one of volume or directory for '" + section.key + "', got none");
    return place;
  }
  if (directory) {
    if (auto text = read_non_empty(reader, *directory)) place.directory = absolute_folder(dir, *text);
  } else if (auto text = read_non_empty(reader, *volume)) {
    place.volume = *text;
  }
  return place;
}

std::optional<int> read_retention_number(Reader& reader, const Entry& entry) {
  auto number = reader.integer(entry);
  if (!number) return std::nullopt;
  if (*number < 0 || *number > kMaxRetention) {
    reader.error(entry.value_pos, "expected an integer from 0 to " + std::to_string(kMaxRetention) +
                                      " for '" + entry.key + "' (0: no limit), got " +
                                      std::to_string(*number));
    return std::nullopt;
  }
  return static_cast<int>(*number);
}

void read_retention(Reader& reader, const Entry& entry, RetentionSpec& retention) {
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, {"count", "days"});
  if (const Entry* count = map.find("count")) {
    if (auto number = read_retention_number(reader, *count)) retention.count = *number;
  }
  if (const Entry* days = map.find("days")) {
    if (auto number = read_retention_number(reader, *days)) retention.days = *number;
  }
}

// 0 would make every `pgdecl reconcile` take a backup.
void read_schedule(Reader& reader, const Entry& entry, BackupSpec& backup) {
  auto duration = read_duration(reader, entry, {"s", "m", "h", "d"}, "24h");
  if (!duration) return;
  if (duration->count() == 0) {
    reader.error(entry.value_pos, "expected a schedule longer than 0 (every reconcile would take a backup)");
    return;
  }
  backup.schedule = std::chrono::duration_cast<std::chrono::seconds>(*duration);
}

// Docker's own rule for volume names, which also wants two characters.
void check_docker_volume_name(Reader& reader, const Entry& entry, const std::string& name) {
  if (auto problem = check_object_name("volume", name)) {
    reader.error(entry.value_pos, problem->message, problem->suggestion);
  } else if (name.size() < 2) {
    reader.error(entry.value_pos,
                 "invalid volume name '" + name + "': Docker volume names are 2 characters or more");
  }
}

// The date and time a backup id holds: the id names a backup by when it
// was taken, in UTC.
bool is_backup_id(const std::string& id) {
  if (id.size() != 16 || id[8] != 'T' || id[15] != 'Z') return false;
  if (!all_digits(std::string_view(id).substr(0, 8)) || !all_digits(std::string_view(id).substr(9, 6)))
    return false;
  using namespace std::chrono;
  const year_month_day date{year{number_at(id, 0, 4)}, month{static_cast<unsigned>(number_at(id, 4, 2))},
                            day{static_cast<unsigned>(number_at(id, 6, 2))}};
  return date.ok() && number_at(id, 9, 2) < 24 && number_at(id, 11, 2) < 60 && number_at(id, 13, 2) < 60;
}

void read_backup_choice(Reader& reader, const Entry& entry, RestoreSpec& restore) {
  auto text = reader.text(entry);
  if (!text) return;
  if (*text != "latest" && !is_backup_id(*text)) {
    const std::string expected =
        "expected latest or a backup id like 20261208T041500Z (YYYYMMDDTHHMMSSZ, in UTC)";
    reader.error(entry.value_pos, expected + " for 'backup', got '" + printable(*text) + "'");
    return;
  }
  restore.backup = *text;
}

// ---- Recovery target time ------------------------------------------------

// A time as written: the fields, and the zone's offset east of UTC.
struct WrittenTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int microsecond = 0;
  bool has_fraction = false;
  std::optional<int> offset_minutes;  // nothing: no zone written
};

// "+05", "+05:30", "-08:00" or "Z": minutes east of UTC, or nothing when
// the zone is malformed.
std::optional<int> parse_zone(const std::string& zone) {
  if (zone == "Z") return 0;
  const bool short_form = zone.size() == 3 && all_digits(zone.substr(1, 2));
  const bool long_form =
      zone.size() == 6 && zone[3] == ':' && all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2));
  if ((zone[0] != '+' && zone[0] != '-') || (!short_form && !long_form)) return std::nullopt;
  const int hours = number_at(zone, 1, 2);
  const int minutes = long_form ? number_at(zone, 4, 2) : 0;
  if (hours > 15 || minutes > 59) return std::nullopt;
  return (zone[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
}

// YYYY-MM-DD HH:MM:SS (or with T), then .fraction, then the zone. Returns
// nothing when the shape is wrong; ranges are checked after.
std::optional<WrittenTime> parse_time(const std::string& text) {
  static const std::string kShape = "dddd-dd-dd?dd:dd:dd";
  if (text.size() < kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char c = text[i];
    const bool ok = kShape[i] == 'd'   ? (c >= '0' && c <= '9')
                    : kShape[i] == '?' ? (c == ' ' || c == 'T')
                                       : c == kShape[i];
    if (!ok) return std::nullopt;
  }
  WrittenTime time;
  time.year = number_at(text, 0, 4);
  time.month = number_at(text, 5, 2);
  time.day = number_at(text, 8, 2);
  time.hour = number_at(text, 11, 2);
  time.minute = number_at(text, 14, 2);
  time.second = number_at(text, 17, 2);
  std::size_t at = kShape.size();
  if (at < text.size() && text[at] == '.') {
    const std::size_t end = std::min(text.find_first_not_of("0123456789", at + 1), text.size());
    const std::string digits = text.substr(at + 1, end - at - 1);
    if (digits.empty() || digits.size() > 6) return std::nullopt;  // PostgreSQL keeps microseconds
    time.microsecond = std::atoi((digits + std::string(6 - digits.size(), '0')).c_str());
    time.has_fraction = true;
    at = end;
  }
  if (at < text.size() && text[at] == ' ') ++at;  // PostgreSQL allows a blank before the zone
  if (at == text.size()) return time;             // no zone: time_problem says why that will not do
  time.offset_minutes = parse_zone(text.substr(at));
  if (!time.offset_minutes) return std::nullopt;
  return time;
}

std::chrono::year_month_day date_of(const WrittenTime& time) {
  using namespace std::chrono;
  return year{time.year} / time.month / time.day;
}

// What keeps a time of the right shape from being a recovery target. The
// years are those system_clock::time_point holds, with room for any offset.
std::optional<std::string> time_problem(const WrittenTime& time) {
  if (!date_of(time).ok() || time.hour > 23 || time.minute > 59 || time.second > 59)
    return "is not a real date and time";
  if (time.year < 1970 || time.year > 2199) return "is outside the years 1970 to 2199";
  if (!time.offset_minutes)
    return "has no time zone: the server would read it in its own; add one, like +00 for UTC";
  return std::nullopt;
}

std::string render_utc(std::chrono::system_clock::time_point when, bool with_fraction) {
  using namespace std::chrono;
  const auto day_start = floor<days>(when);
  const year_month_day date{day_start};
  const hh_mm_ss clock{duration_cast<microseconds>(when - day_start)};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  std::string out = text;
  if (with_fraction && clock.subseconds().count() != 0) {
    std::snprintf(text, sizeof text, ".%06d", static_cast<int>(clock.subseconds().count()));
    std::string fraction = text;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + "+00";
}

void read_target_time(Reader& reader, const Entry& entry, RestoreSpec& restore) {
  auto text = reader.text(entry);
  if (!text) return;
  auto time = parse_time(*text);
  if (!time) {
    const std::string expected =
        "expected a time like 2026-12-08 10:00:00+00 (YYYY-MM-DD HH:MM:SS, an optional fraction of up to 6 "
        "digits, and a zone: Z, +HH or +HH:MM)";
    reader.error(entry.value_pos, expected + " for 'time', got '" + printable(*text) + "'");
    return;
  }
  if (auto problem = time_problem(*time)) {
    reader.error(entry.value_pos, "time '" + printable(*text) + "' " + *problem);
    return;
  }
  using namespace std::chrono;
  const auto local = sys_days{date_of(*time)} + hours{time->hour} + minutes{time->minute} +
                     seconds{time->second} + microseconds{time->microsecond};
  restore.target_time_point = system_clock::time_point{local - minutes{*time->offset_minutes}};
  restore.target_time = render_utc(restore.target_time_point, time->has_fraction);
  restore.target = RecoveryTargetKind::kTime;
}

// ---- Recovery target LSN -------------------------------------------------

// X/Y, each 1 to 8 hex digits, as pg_lsn reads it; kept without leading
// zeros and in upper case, as the server shows it.
std::optional<std::string> normal_lsn(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string high = text.substr(0, slash), low = text.substr(slash + 1);
  for (const std::string& half : {high, low}) {
    if (half.empty() || half.size() > 8 ||
        half.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      return std::nullopt;
  }
  char out[20];
  std::snprintf(out, sizeof out, "%lX/%lX", std::strtoul(high.c_str(), nullptr, 16),
                std::strtoul(low.c_str(), nullptr, 16));
  return std::string(out);
}

void read_target_lsn(Reader& reader, const Entry& entry, RestoreSpec& restore) {
  auto text = reader.text(entry);
  if (!text) return;
  auto lsn = normal_lsn(*text);
  if (!lsn) {
    const std::string expected = "expected an LSN like 0/3000000 (two hex numbers of up to 8 digits)";
    reader.error(entry.value_pos, expected + " for 'lsn', got '" + printable(*text) + "'");
    return;
  }
  restore.target_lsn = *lsn;
  restore.target = RecoveryTargetKind::kLsn;
}

// `end`, or a map with one of time and lsn.
void read_target(Reader& reader, const Entry& entry, RestoreSpec& restore) {
  if (entry.value.IsScalar() && entry.value.Scalar() == "end") return;
  if (!entry.value.IsMap()) {
    reader.expected(entry, "end or a map with time or lsn");
    return;
  }
  MapReader map(reader, entry, {"time", "lsn"});
  const auto& targets = map.entries();
  if (targets.size() == 1 && targets.front().key == "time")
    return read_target_time(reader, targets.front(), restore);
  if (targets.size() == 1) return read_target_lsn(reader, targets.front(), restore);
  if (targets.empty() && entry.value.size() > 0) return;  // unknown keys already reported
  reader.error(entry.value_pos, "expected exactly one of time or lsn for 'target', got " +
                                    (targets.empty() ? std::string("none") : "time, lsn"));
}

}  // namespace

void read_backup(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  BackupSpec& backup = spec.backup;
  backup.declared = true;
  backup.pos = entry.key_pos;
  if (!reader.is_map(entry)) {
    reader.sources().unreadable.insert("backup");
    return;
  }
  MapReader map(reader, entry, kBackupKeys);
  ArchivePlace place = read_place(reader, map, entry, spec.dir);
  backup.volume = place.volume;
  backup.directory = place.directory;
  if (auto synchronous = map.boolean("synchronous")) backup.synchronous = *synchronous;
  if (const Entry* from = map.find("from")) {
    if (auto word = reader.word(*from, {"replica", "primary"}))
      backup.from = *word == "primary" ? BackupSource::kPrimary : BackupSource::kReplica;
  }
  if (const Entry* schedule = map.find("schedule")) read_schedule(reader, *schedule, backup);
  if (const Entry* retention = map.find("retention")) read_retention(reader, *retention, backup.retention);
}

void read_restore(Reader& reader, const Entry& entry, ClusterSpec& spec) {
  RestoreSpec& restore = spec.restore;
  restore.declared = true;
  restore.pos = entry.key_pos;
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry, kRestoreKeys);
  ArchivePlace place = read_place(reader, map, entry, spec.dir);
  // Not one of this spec's volumes: the archive of another cluster, or of
  // this one before it was destroyed, by the name Docker knows it by.
  if (!place.volume.empty()) check_docker_volume_name(reader, *map.find("volume"), place.volume);
  restore.volume = place.volume;
  restore.directory = place.directory;
  if (const Entry* backup = map.find("backup")) read_backup_choice(reader, *backup, restore);
  if (const Entry* target = map.find("target")) read_target(reader, *target, restore);
}

}  // namespace pgdecl::spec
