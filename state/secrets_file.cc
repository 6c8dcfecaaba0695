#include "state/secrets_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "state/state_file.h"

namespace pgdecl::state {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr int kFormatVersion = 1;

Status io_error(const std::string& doing, const fs::path& path) {
  return Status::failed(doing + " " + path.string() + ": " + std::strerror(errno));
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Checked on the open descriptor, not the path, so the file we judge is the
// file we read.
Status check_private(int fd, const fs::path& file) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return io_error("inspecting", file);
  if (!S_ISREG(info.st_mode))
    return Status::failed("secrets file " + file.string() + " is not a regular file");
  // Someone else's file could have been planted to feed pgdecl passwords,
  // or be read by them: either way it is not this user's to trust.
  if (info.st_uid != ::geteuid()) {
    return Status::failed("secrets file " + file.string() + " belongs to uid " + std::to_string(info.st_uid) +
                          ", not to the user running pgdecl (uid " + std::to_string(::geteuid()) +
                          "); pgdecl reads only its own secrets");
  }
  if ((info.st_mode & 077) != 0) {
    return Status::failed("secrets file " + file.string() + " has mode " + octal_mode(info.st_mode) +
                          "; it must be 0600 (chmod 600 " + file.string() + ")");
  }
  return Status::ok();
}

// Held as a Secret so the clear text is wiped when it goes.
Result<Secret> read_fd(int fd, const fs::path& file) {
  std::string text;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return io_error("reading", file);
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return Secret(std::move(text));
}

// nlohmann's own message quotes the text it choked on, which here may be a
// password: only the position goes into the error.
Result<json> parse_json(const Secret& text, const fs::path& file) {
  try {
    return json::parse(text.reveal());
  } catch (const json::parse_error& e) {
    return Status::failed("secrets file " + file.string() + " is not valid JSON (at byte " +
                          std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    return Status::failed("secrets file " + file.string() + " is not valid JSON");
  }
}

Result<std::map<std::string, Secret>> parse_secrets(const Secret& text, const fs::path& file) {
  auto doc = parse_json(text, file);
  if (!doc) return doc.status();
  const json version = doc->is_object() ? doc->value("format_version", json()) : json();
  if (!version.is_number_integer()) {
    return Status::failed("secrets file " + file.string() + " has no integer \"format_version\"");
  }
  if (version.get<std::int64_t>() != kFormatVersion) {
    return Status::failed("secrets file " + file.string() + " has format version " + version.dump() +
                          "; this pgdecl reads version " + std::to_string(kFormatVersion) +
                          " and will not touch it");
  }
  auto secrets = doc->find("secrets");
  if (secrets == doc->end() || !secrets->is_object()) {
    return Status::failed("secrets file " + file.string() + " has no \"secrets\" object");
  }
  std::map<std::string, Secret> values;
  for (const auto& [key, value] : secrets->items()) {
    if (!value.is_string())
      return Status::failed("secrets file " + file.string() + ": " + key + " is not a string");
    values.emplace(key, Secret(value.get<std::string>()));
  }
  return values;
}

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  std::uint32_t bits = 0;
  int pending = 0;  // bits in `bits` not yet emitted
  for (std::size_t i = 0; i < size; ++i) {
    bits = (bits << 8) | data[i];
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      text += kAlphabet[(bits >> pending) & 0x3f];
    }
  }
  if (pending > 0) text += kAlphabet[(bits << (6 - pending)) & 0x3f];
  return text;
}

}  // namespace

Result<SecretsFile> SecretsFile::open(const std::filesystem::path& file) {
  SecretsFile store;
  store.file_ = file;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return store;  // nothing generated yet
    return io_error("opening", file);
  }
  Status status = check_private(fd, file);
  auto text = status ? read_fd(fd, file) : Result<Secret>(status);
  ::close(fd);
  if (!text) return text.status();
  auto values = parse_secrets(*text, file);
  if (!values) return values.status();
  store.values_ = std::move(*values);
  return store;
}

std::optional<Secret> SecretsFile::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

void SecretsFile::put(const std::string& key, Secret value) { values_[key] = std::move(value); }

Status SecretsFile::save() const {
  ordered_json doc = ordered_json::object();
  doc["format_version"] = kFormatVersion;
  doc["secrets"] = ordered_json::object();
  // The one place where clear text is written out: into a 0600 file.
  for (const auto& [key, value] : values_) doc["secrets"][key] = value.reveal();
  Secret text;
  try {
    text = Secret(doc.dump(2) + "\n");
  } catch (const json::exception&) {  // not UTF-8; the message would quote the value
    return Status::invalid_argument("secrets file " + file_.string() + ": a value is not valid UTF-8");
  }
  auto temp = write_synced_temp(file_, text.reveal());
  if (!temp) return temp.status();
  return commit_temp(*temp, file_);
}

Secret SecretsFile::generate_password() {
  std::array<unsigned char, 32> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // The contract has no way to fail, and a password from a failing CSPRNG
    // must never be handed out; OpenSSL fails here only without OS entropy.
    std::fputs("pgdecl: OpenSSL's random generator failed\n", stderr);
    std::abort();
  }
  Secret password(base64url(bytes.data(), bytes.size()));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return password;
}

}  // namespace pgdecl::state
