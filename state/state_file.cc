#include "state/state_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

namespace pgdecl::state {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
// ordered_json keeps the keys in the documented order, so the file reads
// format_version, lineage, serial... top to bottom.
using ordered_json = nlohmann::ordered_json;

Status io_error(const std::string& doing, const fs::path& path) {
  return Status::failed(doing + " " + path.string() + ": " + std::strerror(errno));
}

fs::path with_suffix(const fs::path& file, const char* suffix) {
  fs::path result = file;
  result += suffix;
  return result;
}

fs::path folder_of(const fs::path& file) {
  fs::path folder = file.parent_path();
  return folder.empty() ? fs::path(".") : folder;
}

// nullopt when the file does not exist; any other failure is an error.
Result<std::optional<std::string>> read_whole_file(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return io_error("opening", file);
  }
  std::string text;
  char buffer[8192];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      Status error = io_error("reading", file);
      ::close(fd);
      return error;
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

Status write_all(int fd, const std::string& contents, const fs::path& file) {
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t wrote = ::write(fd, contents.data() + done, contents.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return io_error("writing", file);
    done += static_cast<std::size_t>(wrote);
  }
  return Status::ok();
}

// Without this, a crash right after rename() can leave the folder pointing at
// the old file, or at nothing, on some filesystems.
Status sync_folder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("opening folder", folder);
  Status status = ::fsync(fd) == 0 ? Status::ok() : io_error("syncing folder", folder);
  ::close(fd);
  return status;
}

// ---- lineage ---------------------------------------------------------------

void fill_from_os_random(unsigned char* out, std::size_t size) {
  while (size > 0) {
    ssize_t got = ::getrandom(out, size, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      // new_state cannot fail by contract, and a lineage from a weak source
      // could collide with another cluster's; only kernels before 3.17 get here.
      std::perror("pgdecl: getrandom");
      std::abort();
    }
    out += got;
    size -= static_cast<std::size_t>(got);
  }
}

std::string new_lineage() {
  std::array<unsigned char, 16> bytes;
  fill_from_os_random(bytes.data(), bytes.size());
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4: random
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // variant: RFC 4122
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0f];
  }
  return text;
}

// ---- JSON --------------------------------------------------------------------

Result<std::string> render(const State& state) {
  ordered_json resources = ordered_json::array();
  for (const auto& [address, record] : state.resources) {  // std::map: sorted by address
    ordered_json entry = ordered_json::object();
    entry["address"] = address;
    entry["id"] = record.id;
    entry["attributes"] = ordered_json::object();
    for (const auto& [key, value] : record.attributes) entry["attributes"][key] = value;
    entry["depends_on"] = record.depends_on;
    resources.push_back(std::move(entry));
  }
  ordered_json doc = ordered_json::object();
  doc["format_version"] = state.format_version;
  doc["lineage"] = state.lineage;
  doc["serial"] = state.serial;
  doc["cluster"] = state.cluster;
  doc["resources"] = std::move(resources);
  try {
    return doc.dump(2) + "\n";
  } catch (const json::exception& e) {  // a value that is not UTF-8
    return Status::invalid_argument(std::string("cannot write the state: ") + e.what());
  }
}

// nlohmann prefixes "[json.exception.parse_error.101] "; the rest (line,
// column, what was expected) is what a person needs.
std::string without_json_prefix(const std::string& message) {
  auto end = message.find("] ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

Status malformed(const fs::path& file, const std::string& what) {
  return Status::failed("state file " + file.string() + " is malformed: " + what);
}

std::optional<std::string> string_field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<ResourceRecord> parse_record(const json& entry, const fs::path& file) {
  if (!entry.is_object()) return malformed(file, "each entry of \"resources\" must be an object");
  auto address = string_field(entry, "address");
  if (!address) return malformed(file, "a resource has no string \"address\"");
  auto id = string_field(entry, "id");
  if (!id) return malformed(file, "resource " + *address + " has no string \"id\"");
  ResourceRecord record{*address, *id, {}};
  if (auto deps = entry.find("depends_on"); deps != entry.end()) {
    if (!deps->is_array()) return malformed(file, "depends_on of " + *address + " must be a list");
    for (const auto& dependency : *deps) {
      if (!dependency.is_string())
        return malformed(file, "depends_on of " + *address + " must list addresses");
      record.depends_on.push_back(dependency.get<std::string>());
    }
  }
  auto attributes = entry.find("attributes");
  if (attributes == entry.end()) return record;
  if (!attributes->is_object()) return malformed(file, "attributes of " + *address + " must be an object");
  for (const auto& [key, value] : attributes->items()) {
    if (!value.is_string())
      return malformed(file, "attribute " + key + " of " + *address + " must be a string");
    record.attributes[key] = value.get<std::string>();
  }
  return record;
}

Status parse_resources(const json& doc, const fs::path& file, State& state) {
  auto resources = doc.find("resources");
  if (resources == doc.end() || !resources->is_array())
    return malformed(file, "\"resources\" must be an array");
  for (const auto& entry : *resources) {
    auto record = parse_record(entry, file);
    if (!record) return record.status();
    std::string address = record->address;
    if (!state.resources.emplace(address, std::move(*record)).second) {
      return malformed(file, "resource " + address + " appears twice");
    }
  }
  return Status::ok();
}

// The version is checked before anything else: a file of another version may
// have any shape at all.
Status check_version(const json& doc, const fs::path& file) {
  auto version = doc.find("format_version");
  if (version == doc.end() || !version->is_number_integer()) {
    return malformed(file, "no integer \"format_version\"");
  }
  if (version->get<std::int64_t>() != State::kFormatVersion) {
    return Status::failed("state file " + file.string() + " has format version " +
                          std::to_string(version->get<std::int64_t>()) + "; this pgdecl reads version " +
                          std::to_string(State::kFormatVersion) + " and will not touch it");
  }
  return Status::ok();
}

Result<State> parse_state(const std::string& text, const fs::path& file) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return Status::failed("state file " + file.string() +
                          " is not valid JSON: " + without_json_prefix(e.what()));
  }
  if (!doc.is_object()) return malformed(file, "the top level must be an object");
  if (auto status = check_version(doc, file); !status) return status;
  State state;
  auto lineage = string_field(doc, "lineage");
  auto cluster = string_field(doc, "cluster");
  auto serial = doc.find("serial");
  if (!lineage) return malformed(file, "no string \"lineage\"");
  if (!cluster) return malformed(file, "no string \"cluster\"");
  if (serial == doc.end() || !serial->is_number_integer()) return malformed(file, "no integer \"serial\"");
  state.lineage = *lineage;
  state.cluster = *cluster;
  state.serial = serial->get<std::int64_t>();
  if (auto status = parse_resources(doc, file, state); !status) return status;
  return state;
}

// ---- writing -----------------------------------------------------------------

// A hard link keeps the previous generation without a moment in which FILE
// is missing (a rename would open one: a crash there would make pgdecl believe
// the cluster was never created).
Status keep_backup(const fs::path& file) {
  fs::path backup = with_suffix(file, ".backup");
  if (::unlink(backup.c_str()) != 0 && errno != ENOENT) return io_error("removing", backup);
  if (::link(file.c_str(), backup.c_str()) == 0) return Status::ok();
  if (errno == ENOENT) return Status::ok();  // the first write: no previous generation
  // Some filesystems have no hard links; a copy keeps the same generation.
  std::error_code error;
  fs::copy_file(file, backup, fs::copy_options::overwrite_existing, error);
  if (error) return Status::failed("keeping " + backup.string() + ": " + error.message());
  return Status::ok();
}

// Reading first is what keeps a file of a newer pgdecl (or a damaged one)
// from being replaced: the refusal of read_state applies to writes too.
Status check_replaceable(const fs::path& file) {
  auto current = read_state(file);
  return current ? Status::ok() : current.status();
}

Status persist(const fs::path& file, const State& state) {
  if (auto status = check_replaceable(file); !status) return status;
  auto text = render(state);
  if (!text) return text.status();
  auto temp = write_synced_temp(file, *text);
  if (!temp) return temp.status();
  if (auto status = keep_backup(file); !status) {
    ::unlink(temp->c_str());
    return status;
  }
  return commit_temp(*temp, file);
}

}  // namespace

State new_state(const std::string& cluster) {
  State state;
  state.lineage = new_lineage();
  state.cluster = cluster;
  return state;
}

Result<std::optional<State>> read_state(const std::filesystem::path& file) {
  auto text = read_whole_file(file);
  if (!text) return text.status();
  if (!text->has_value()) return std::optional<State>();
  auto state = parse_state(**text, file);
  if (!state) return state.status();
  return std::optional<State>(std::move(*state));
}

Status write_state(const std::filesystem::path& file, State& state) {
  state.serial += 1;
  Status status = persist(file, state);
  if (!status) state.serial -= 1;
  return status;
}

namespace {

// pgdecl's own folder (.pgdecl) holds the state and the secrets: one made
// by an older version with the umask's 0755 is closed to others now. A
// folder of another name was chosen by the user (--state), and is theirs.
Status tighten_own_folder(const fs::path& folder) {
  if (folder.filename() != ".pgdecl") return Status::ok();
  struct stat info {};
  if (::stat(folder.c_str(), &info) != 0) return io_error("inspecting folder", folder);
  if ((info.st_mode & 077) == 0 || info.st_uid != ::geteuid()) return Status::ok();
  if (::chmod(folder.c_str(), 0700) != 0) return io_error("making private (0700) the folder", folder);
  return Status::ok();
}

}  // namespace

Status ensure_parent_folder(const std::filesystem::path& file) {
  fs::path folder = folder_of(file);
  std::error_code error;
  if (fs::is_directory(folder, error)) return tighten_own_folder(folder);
  if (!folder.parent_path().empty()) fs::create_directories(folder.parent_path(), error);
  if (error)
    return Status::failed("creating folder " + folder.parent_path().string() + ": " + error.message());
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) return io_error("creating folder", folder);
  return Status::ok();
}

Result<std::filesystem::path> write_synced_temp(const std::filesystem::path& file,
                                                const std::string& contents) {
  if (auto status = ensure_parent_folder(file); !status) return status;
  fs::path temp = with_suffix(file, ".tmp");
  // A leftover of a crash may have any mode; O_EXCL on a fresh name is what
  // guarantees the file is born 0600.
  if (::unlink(temp.c_str()) != 0 && errno != ENOENT) return io_error("removing leftover", temp);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("creating", temp);
  Status status = write_all(fd, contents, temp);
  if (status && ::fsync(fd) != 0) status = io_error("syncing", temp);
  if (::close(fd) != 0 && status) status = io_error("closing", temp);
  if (!status) {
    ::unlink(temp.c_str());
    return status;
  }
  return temp;
}

Status commit_temp(const std::filesystem::path& temp, const std::filesystem::path& file) {
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    Status status = io_error("renaming " + temp.string() + " to", file);
    ::unlink(temp.c_str());
    return status;
  }
  return sync_folder(folder_of(file));
}

}  // namespace pgdecl::state
