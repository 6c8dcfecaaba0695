#include "cli/status_render.h"

#include <algorithm>
#include <iomanip>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pgdecl::cli {
namespace {

using Table = std::vector<std::vector<std::string>>;
// Keys in the order a reader expects them, not sorted.
using Json = nlohmann::ordered_json;

// Columns padded to their widest cell, two spaces apart.
std::string render_table(const Table& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string one_decimal(double value) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << value;
  return text.str();
}

// As pg_size_pretty has it: 1024 bytes to the kB.
std::string bytes_text(long long bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return one_decimal(value) + " " + units[unit];
}

std::string container_cell(const pg::ContainerStatus& container) {
  return container.published ? container.state + " " + *container.published : container.state;
}

// The master: whether it answers. A replica: its WAL sender's state on the
// master, which is what "streaming" means to PostgreSQL.
std::string streaming_cell(const pg::NodeStatus& node) {
  if (node.is_master) return node.unreachable.value_or("accepting");
  if (!node.replication) return "unknown";
  return node.replication->state.value_or("not connected");
}

std::string lag_cell(const pg::NodeStatus& node) {
  if (node.is_master) return "-";
  if (!node.replication) return "?";
  const pg::ReplicaView& replica = *node.replication;
  if (!replica.state) return "-";
  return (replica.lag_bytes ? bytes_text(*replica.lag_bytes) : "?") + " / " +
         (replica.lag_seconds ? one_decimal(*replica.lag_seconds) + " s" : "?");
}

std::string slot_cell(const pg::NodeStatus& node) {
  if (node.is_master) return "-";
  if (!node.replication) return "?";
  if (!node.replication->slot) return "-";
  const pg::SlotStatus& slot = *node.replication->slot;
  return slot.name + (!slot.exists ? " missing" : slot.active ? " active" : " inactive");
}

std::string nodes_table(const pg::ClusterStatus& status) {
  Table rows{{"NODE", "ROLE", "CONTAINER", "STREAMING", "LAG"}};
  if (status.slots) rows.front().push_back("SLOT");
  for (const auto& node : status.nodes) {
    rows.push_back({node.name, node.is_master ? "master" : "replica", container_cell(node.container),
                    streaming_cell(node), lag_cell(node)});
    if (status.slots) rows.back().push_back(slot_cell(node));
  }
  return render_table(rows);
}

std::string roles_table(const pg::ClusterStatus& status) {
  Table rows{{"ROLES", "WANTED", "ON THE MASTER"}};
  for (const auto& role : status.roles) {
    std::string found = !role.on_the_master ? "unknown" : *role.on_the_master ? "present" : "absent";
    rows.push_back({role.name, role.wanted ? "present" : "absent", found});
  }
  return render_table(rows);
}

template <typename T>
Json or_null(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json streaming_json(const pg::NodeStatus& node) {
  Json reason = nullptr;
  if (node.is_master && node.unreachable)
    reason = *node.unreachable + (node.error.empty() ? "" : ": " + node.error);
  if (!node.is_master && !node.replication) reason = "the master cannot be asked";
  std::string state = node.is_master && node.unreachable ? "unreachable" : streaming_cell(node);
  return {{"state", state}, {"reason", reason}};
}

Json node_json(const pg::NodeStatus& node) {
  Json lag = nullptr, slot = nullptr;
  if (node.replication && node.replication->state)
    lag = {{"bytes", or_null(node.replication->lag_bytes)},
           {"seconds", or_null(node.replication->lag_seconds)}};
  if (node.replication && node.replication->slot) {
    const pg::SlotStatus& s = *node.replication->slot;
    slot = {{"name", s.name}, {"exists", s.exists}, {"active", s.active}};
  }
  return {{"name", node.name},
          {"role", node.is_master ? "master" : "replica"},
          {"container", {{"state", node.container.state}, {"published", or_null(node.container.published)}}},
          {"streaming", streaming_json(node)},
          {"lag", lag},
          {"slot", slot}};
}

std::string age_text(long long seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string(seconds / 60) + " min";
  if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " days";
}

std::string archiver_cell(const ArchiveReport& archive) {
  const pg::ArchiveStatus& s = archive.status;
  if (s.container != "running") return "container " + s.container;
  if (!s.stream) return "running, the primary cannot be asked";
  std::string cell = *s.stream;
  if (s.sync_state) cell += " (" + *s.sync_state + ")";
  if (s.lag_bytes) cell += ", " + bytes_text(*s.lag_bytes) + " behind";
  return cell;
}

std::string archive_text(const ArchiveReport& archive) {
  const pg::ArchiveStatus& s = archive.status;
  Table rows{{"ARCHIVE", s.where}, {"archiver", archiver_cell(archive)}};
  if (s.listing) {
    auto newest = engine::newest_segment(*s.listing);
    rows.push_back({"newest WAL", newest ? newest->name : "none yet"});
    std::string backups = std::to_string(s.listing->backups.size());
    if (!s.listing->backups.empty()) {
      const auto& last = s.listing->backups.back();
      backups += ", newest " + last.id;
      if (s.newest_backup_age_seconds) backups += " (" + age_text(*s.newest_backup_age_seconds) + " old)";
      backups += last.verified ? ", verified" : ", NOT verified";
    }
    rows.push_back({"backups", backups});
  } else {
    rows.push_back({"contents", "unreadable"});
  }
  return render_table(rows);
}

Json archive_json(const ArchiveReport& archive) {
  const pg::ArchiveStatus& s = archive.status;
  Json backups = nullptr, newest = nullptr;
  if (s.listing) {
    backups = Json::array();
    for (const auto& record : s.listing->backups)
      backups.push_back({{"id", record.id}, {"ended", record.ended}, {"verified", record.verified}});
    if (auto segment = engine::newest_segment(*s.listing)) newest = segment->name;
  }
  return {{"where", s.where},
          {"archiver",
           {{"container", s.container},
            {"stream", or_null(s.stream)},
            {"sync_state", or_null(s.sync_state)},
            {"lag_bytes", or_null(s.lag_bytes)}}},
          {"newest_wal", newest},
          {"backups", backups},
          {"newest_backup_age_seconds", or_null(s.newest_backup_age_seconds)}};
}

}  // namespace

std::vector<std::string> status_problems(const pg::ClusterStatus& status,
                                         const std::optional<ArchiveReport>& archive) {
  auto problems = pg::health_problems(status);
  if (archive) {
    for (auto& problem : pg::archive_health_problems(archive->status, archive->synchronous))
      problems.push_back(std::move(problem));
  }
  return problems;
}

std::string render_status_text(const pg::ClusterStatus& status, const std::optional<ArchiveReport>& archive) {
  std::string out = "Cluster " + status.cluster + "\n\n" + nodes_table(status);
  if (!status.roles.empty()) out += "\n" + roles_table(status);
  if (archive) out += "\n" + archive_text(*archive);
  auto problems = status_problems(status, archive);
  if (problems.empty())
    return out + "\nHealthy: the master accepts connections and every replica is streaming.\n";
  out += "\nNot healthy:\n";
  for (const auto& problem : problems) out += "  - " + problem + "\n";
  return out;
}

std::string render_status_json(const pg::ClusterStatus& status, const std::optional<ArchiveReport>& archive) {
  Json nodes = Json::array(), roles = Json::array();
  for (const auto& node : status.nodes) nodes.push_back(node_json(node));
  for (const auto& role : status.roles) {
    roles.push_back({{"name", role.name},
                     {"wanted", role.wanted ? "present" : "absent"},
                     {"present", or_null(role.on_the_master)}});
  }
  auto problems = status_problems(status, archive);
  Json out = {{"cluster", status.cluster},
              {"healthy", problems.empty()},
              {"problems", problems},
              {"nodes", nodes},
              {"roles", roles}};
  if (archive) out["archive"] = archive_json(*archive);
  return out.dump(2) + "\n";
}

}  // namespace pgdecl::cli
