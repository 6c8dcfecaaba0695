#include "providers/docker/run_identity.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace pgdecl::docker {
namespace {

std::string first_line_of(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

RunId read_this_run() {
  const long pid = static_cast<long>(::getpid());
  return RunId{host_name(), first_line_of("/proc/sys/kernel/random/boot_id"), pid,
               process_start_time(pid).value_or("")};
}

}  // namespace

std::string run_label(const RunId& run) {
  return run.host + "/" + run.boot_id + "/" + std::to_string(run.pid) + "/" + run.start_time;
}

std::optional<RunId> parse_run_label(const std::string& label) {
  const auto parts = split(label, '/');
  if (parts.size() != 4 || parts[2].empty()) return std::nullopt;
  if (parts[2].find_first_not_of("0123456789") != std::string::npos || parts[2].size() > 18)
    return std::nullopt;
  return RunId{parts[0], parts[1], std::stol(parts[2]), parts[3]};
}

const RunId& this_run() {
  static const RunId run = read_this_run();
  return run;
}

const std::string& this_run_token() {
  static const std::string token = [] {
    std::random_device random;
    std::ostringstream hex;
    hex << std::hex << (random() & 0xffffff);
    return hex.str();
  }();
  return token;
}

std::optional<std::string> process_start_time(long pid) {
  const std::string stat = first_line_of("/proc/" + std::to_string(pid) + "/stat");
  // The command name, in parentheses, may hold spaces: count from its end.
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  // Fields 3 to 22 follow the name; the start time is field 22.
  for (int number = 3; number <= 22; ++number) {
    if (!(fields >> field)) return std::nullopt;
  }
  return field;
}

bool run_is_over(const Labels& labels, const RunId& here, const StartTimeLookup& start_of) {
  auto label = labels.find(kRunLabel);
  if (label == labels.end()) return true;
  auto run = parse_run_label(label->second);
  if (!run) return true;
  if (run->host != here.host) return false;
  if (run->boot_id != here.boot_id) return true;
  return start_of(run->pid) != run->start_time;
}

bool run_is_over(const Labels& labels) { return run_is_over(labels, this_run(), process_start_time); }

}  // namespace pgdecl::docker
