#include "providers/postgres/node/replica_log.h"

#include <array>
#include <sstream>

namespace pgdecl::pg {
namespace {

// Enough for the WAL receiver's latest attempts: it tries again every
// second and says two or three lines each time.
constexpr int kTailLines = 40;

// What the WAL receiver and the startup process say when streaming cannot
// begin or goes on no more. A client's failed sign-in to the replica
// itself says none of these.
constexpr std::array<const char*, 6> kReceiverWords{
    "could not connect to the primary server",
    "could not receive data from WAL stream",
    "could not start WAL streaming",
    "database system identifier differs",
    "of the primary is behind recovery timeline",
    "terminating walreceiver",
};

// The server starting again, streaming again, or promoted (its receiver
// ends, and what it said no longer matters): what it said before that no
// longer stands.
constexpr std::array<const char*, 3> kFreshStarts{"starting PostgreSQL", "started streaming WAL from primary",
                                                  "selected new timeline ID"};

bool says_any(const std::string& line, const auto& words) {
  for (const char* word : words) {
    if (line.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> streaming_complaint(const std::string& log_text) {
  std::optional<std::string> complaint;
  std::istringstream lines(log_text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (says_any(line, kFreshStarts)) {
      complaint.reset();
      continue;
    }
    const auto severity = line.find("FATAL:");
    if (severity != std::string::npos && says_any(line, kReceiverWords)) complaint = line.substr(severity);
  }
  return complaint;
}

std::optional<std::string> read_streaming_complaint(docker::Client& client, const std::string& container_id) {
  auto logs = client.container_logs(container_id, kTailLines);
  if (!logs) return std::nullopt;
  return streaming_complaint(*logs);
}

std::string last_log_lines(docker::Client& client, const std::string& container_id, int lines) {
  auto logs = client.container_logs(container_id, lines);
  if (!logs) return "(its logs could not be read: " + logs.status().message() + ")";
  std::string text = *logs;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace pgdecl::pg
