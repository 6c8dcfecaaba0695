#include <algorithm>
#include <optional>

#include "cluster/spec/suggest.h"
#include "cluster/spec/validate.h"

namespace pgdecl::spec {
namespace {

std::optional<std::size_t> find_role(const ClusterSpec& spec, const std::string& name) {
  for (std::size_t i = 0; i < spec.roles.size(); ++i) {
    if (spec.roles[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> role_names(const ClusterSpec& spec) {
  std::vector<std::string> names;
  for (const RoleSpec& role : spec.roles) names.push_back(role.name);
  return names;
}

std::string member_path(const SourceMap& sources, std::size_t role, std::size_t index) {
  return sources.role_paths[role] + ".member_of[" + std::to_string(index) + "]";
}

bool is_builtin_role(const std::string& name) { return name.rfind("pg_", 0) == 0; }

void check_role_entries(const ClusterSpec& spec, Reporter& report) {
  std::map<std::string, SourcePos> seen;
  for (const RoleSpec& role : spec.roles) {
    if (role.name == spec.master.superuser.name) {
      report.error(role.pos,
                   "role '" + role.name + "' is the superuser; configure it under master.superuser");
    } else if (auto first = seen.find(role.name); first != seen.end()) {
      report.error(role.pos, "duplicate role name '" + role.name + "' (first at line " +
                                 std::to_string(first->second.line) + ")");
    }
    seen.emplace(role.name, role.pos);
  }
}

void check_memberships(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  for (std::size_t i = 0; i < spec.roles.size(); ++i) {
    const RoleSpec& role = spec.roles[i];
    for (std::size_t j = 0; j < role.member_of.size(); ++j) {
      const std::string& group = role.member_of[j];
      if (is_builtin_role(group) || group == spec.master.superuser.name) continue;
      SourcePos pos = sources.at(member_path(sources, i, j), role.pos);
      auto found = find_role(spec, group);
      if (!found) {
        report.error(pos, "role '" + group + "' in member_of is not declared under roles",
                     closest_match(group, role_names(spec)));
      } else if (role.present && !spec.roles[*found].present) {
        report.error(pos, "role '" + group + "' in member_of has ensure: absent");
      }
    }
  }
}

// Depth-first search over member_of; a role met again while still on the
// path closes a cycle, which Postgres would refuse to GRANT.
class CycleFinder {
 public:
  CycleFinder(const ClusterSpec& spec, const SourceMap& sources, Reporter& report)
      : spec_(spec),
        sources_(sources),
        report_(report),
        state_(spec.roles.size(), kNew),
        via_(spec.roles.size(), 0) {}

  void run() {
    for (std::size_t i = 0; i < spec_.roles.size(); ++i) {
      if (state_[i] == kNew) visit(i);
    }
  }

 private:
  enum State { kNew, kOnPath, kDone };

  void visit(std::size_t role) {
    state_[role] = kOnPath;
    path_.push_back(role);
    const auto& groups = spec_.roles[role].member_of;
    for (std::size_t j = 0; j < groups.size(); ++j) {
      auto group = find_role(spec_, groups[j]);
      if (!group || !spec_.roles[*group].present) continue;
      via_[role] = j;
      if (state_[*group] == kOnPath) report_cycle(*group);
      if (state_[*group] == kNew) visit(*group);
    }
    path_.pop_back();
    state_[role] = kDone;
  }

  void report_cycle(std::size_t start) {
    auto from = std::find(path_.begin(), path_.end(), start);
    std::string names;
    for (auto it = from; it != path_.end(); ++it) names += spec_.roles[*it].name + " -> ";
    names += spec_.roles[start].name;
    SourcePos pos = sources_.at(member_path(sources_, start, via_[start]), spec_.roles[start].pos);
    report_.error(pos, "role membership cycle: " + names);
  }

  const ClusterSpec& spec_;
  const SourceMap& sources_;
  Reporter& report_;
  std::vector<State> state_;
  std::vector<std::size_t> via_;  // per role on the path: the member_of entry taken next
  std::vector<std::size_t> path_;
};

void check_owner(const ClusterSpec& spec, const SourceMap& sources, std::size_t index, Reporter& report) {
  const DatabaseSpec& database = spec.databases[index];
  if (!database.present || !database.owner || *database.owner == spec.master.superuser.name) return;
  const std::string& owner = *database.owner;
  SourcePos pos = sources.at(sources.database_paths[index] + ".owner", database.pos);
  auto found = find_role(spec, owner);
  if (!found) {
    std::vector<std::string> names = role_names(spec);
    names.push_back(spec.master.superuser.name);
    report.error(pos, "owner '" + owner + "' is not declared under roles and is not the superuser",
                 closest_match(owner, names));
  } else if (!spec.roles[*found].present) {
    report.error(pos, "owner '" + owner + "' has ensure: absent");
  }
}

void check_databases(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  std::map<std::string, SourcePos> seen;
  for (std::size_t i = 0; i < spec.databases.size(); ++i) {
    const DatabaseSpec& database = spec.databases[i];
    if (auto first = seen.find(database.name); first != seen.end()) {
      report.error(database.pos, "duplicate database name '" + database.name + "' (first at line " +
                                     std::to_string(first->second.line) + ")");
    }
    seen.emplace(database.name, database.pos);
    if (!sources.unreadable.count("roles")) check_owner(spec, sources, i, report);
  }
}

}  // namespace

void validate_roles(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  check_role_entries(spec, report);
  if (!sources.unreadable.count("roles")) check_memberships(spec, sources, report);
  CycleFinder(spec, sources, report).run();
  check_databases(spec, sources, report);
}

}  // namespace pgdecl::spec
