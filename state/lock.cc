#include "state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "state/state_file.h"

namespace pgdecl::state {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path lock_path(const fs::path& state_file) {
  fs::path path = state_file;
  path += ".lock";
  return path;
}

Status io_error(const std::string& doing, const fs::path& path) {
  return Status::failed(doing + " " + path.string() + ": " + std::strerror(errno));
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The holder's note is only advice for the message: the flock is the lock.
Status record_holder(int fd, const fs::path& path) {
  json holder = {{"pid", static_cast<long>(::getpid())}, {"host", host_name()}, {"since", utc_now_iso8601()}};
  std::string text = holder.dump() + "\n";
  if (::ftruncate(fd, 0) != 0) return io_error("truncating", path);
  if (::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return io_error("writing", path);
  }
  return Status::ok();
}

std::string read_fd(int fd) {
  std::string text;
  char buffer[1024];
  ssize_t got;
  off_t offset = 0;
  while ((got = ::pread(fd, buffer, sizeof buffer, offset)) > 0) {
    text.append(buffer, static_cast<std::size_t>(got));
    offset += got;
  }
  return text;
}

// The holder may have taken the flock but not yet written its note, or
// written something else entirely; the conflict is real either way.
std::string describe_holder(int fd) {
  json holder = json::parse(read_fd(fd), nullptr, /*allow_exceptions=*/false);
  if (!holder.is_object() || !holder.contains("pid")) return "another process";
  auto field = [&](const char* key) {
    const json& value = holder.value(key, json());
    return value.is_string() ? value.get<std::string>() : value.dump();
  };
  return "pid " + field("pid") + " on host " + field("host") + " since " + field("since");
}

// Polls rather than blocks: a blocking flock could not be bounded.
bool lock_within(int fd, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string waited(std::chrono::milliseconds wait) {
  if (wait.count() == 0) return "";
  if (wait.count() % 1000 != 0) return " (waited " + std::to_string(wait.count()) + " ms)";
  return " (waited " + std::to_string(wait.count() / 1000) + "s)";
}

}  // namespace

Result<std::unique_ptr<StateLock>> StateLock::acquire(const std::filesystem::path& state_file,
                                                      std::chrono::milliseconds wait) {
  if (auto status = ensure_parent_folder(state_file); !status) return status;
  fs::path path = lock_path(state_file);
  // O_CLOEXEC: a child process (an exec'd helper) must not inherit the lock
  // and keep holding it after pgdecl exits.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("opening", path);
  if (!lock_within(fd, wait)) {
    Status status = errno == EWOULDBLOCK
                        ? Status::conflict("state " + state_file.string() + " is locked by " +
                                           describe_holder(fd) + " (another pgdecl run?)" + waited(wait))
                        : io_error("locking", path);
    ::close(fd);
    return status;
  }
  if (auto status = record_holder(fd, path); !status) {
    ::close(fd);  // closing releases the flock
    return status;
  }
  return std::unique_ptr<StateLock>(new StateLock(fd));
}

// The file stays: removing it would race with a process that has just opened
// it and would then lock an inode nobody else can find.
StateLock::~StateLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace pgdecl::state
