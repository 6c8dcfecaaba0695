#include "cluster/spec/validate.h"

#include "cluster/spec/formats.h"
#include "cluster/spec/suggest.h"

namespace pgdecl::spec {
namespace {

// A node with the path its values were read under ("master", "replicas[1]").
struct NodeRef {
  const NodeSpec& node;
  std::string path;
};

std::vector<NodeRef> nodes_of(const ClusterSpec& spec, const SourceMap& sources) {
  std::vector<NodeRef> nodes{{spec.master, "master"}};
  for (std::size_t i = 0; i < spec.replicas.size(); ++i)
    nodes.push_back({spec.replicas[i], sources.replica_paths[i]});
  return nodes;
}

template <typename Value>
std::vector<std::string> names_of(const std::map<std::string, Value>& declared) {
  std::vector<std::string> names;
  for (const auto& [name, value] : declared) names.push_back(name);
  return names;
}

std::string first_at(SourcePos pos) { return " (first at line " + std::to_string(pos.line) + ")"; }

// Only references written in the spec are checked: a replica without an image
// takes the master's, whose own reference is checked once.
void check_images(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  if (sources.unreadable.count("images")) return;
  for (const NodeRef& ref : nodes_of(spec, sources)) {
    const std::string& image = ref.node.image;
    if (image.empty() || spec.images.count(image)) continue;
    report.error(sources.at(ref.path + ".image", ref.node.pos),
                 "image '" + image + "' is not declared under images",
                 closest_match(image, names_of(spec.images)));
  }
}

// Two containers on one data directory would corrupt it.
void check_volumes(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  std::map<std::string, std::string> used_by;
  for (const NodeRef& ref : nodes_of(spec, sources)) {
    const std::string& volume = ref.node.volume;
    if (volume.empty()) continue;
    SourcePos pos = sources.at(ref.path + ".volume", ref.node.pos);
    if (!spec.volumes.count(volume)) {
      if (!sources.unreadable.count("volumes")) {
        report.error(pos, "volume '" + volume + "' is not declared under volumes",
                     closest_match(volume, names_of(spec.volumes)));
      }
    } else if (auto user = used_by.find(volume); user != used_by.end()) {
      report.error(pos, "volume '" + volume + "' is already used by " + user->second);
    }
    used_by.emplace(volume, ref.node.name);
  }
}

void check_node_names(const ClusterSpec& spec, Reporter& report) {
  // <cluster>-rw names the primary inside the network.
  for (const NodeSpec* node : spec.nodes()) {
    if (node->name == "rw") {
      report.error(node->pos, "node name 'rw' is reserved: " + spec.name +
                                  "-rw is the name of the primary inside the cluster's network");
    }
  }
  std::map<std::string, SourcePos> seen;
  for (const ReplicaSpec& replica : spec.replicas) {
    if (replica.name.empty()) continue;
    if (replica.name == spec.master.name) {
      report.error(replica.pos, "replica name '" + replica.name + "' is already the master's name");
    } else if (auto first = seen.find(replica.name); first != seen.end()) {
      report.error(replica.pos, "duplicate replica name '" + replica.name + "'" + first_at(first->second));
    }
    seen.emplace(replica.name, replica.pos);
  }
}

// Each replica streams through a slot named pgdecl_<replica>, made when the
// replica is: a name PostgreSQL refuses there would fail the apply half-way.
// Replicas made by count share one prefix, so its problem is told once, there.
void check_slot_names(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  if (!spec.replication.slots) return;
  bool prefix_reported = false;
  for (std::size_t i = 0; i < spec.replicas.size(); ++i) {
    const ReplicaSpec& replica = spec.replicas[i];
    if (replica.name.empty() || check_object_name("replica", replica.name)) continue;
    auto problem = check_slot_name(replica.name);
    if (!problem) continue;
    if (sources.replica_paths[i] != "replicas") {
      report.error(replica.pos, problem->message, problem->suggestion);
    } else if (!prefix_reported) {
      prefix_reported = true;
      const std::string number = std::to_string(i + 1);
      std::string fix = problem->suggestion;
      if (fix.size() > number.size()) fix.resize(fix.size() - number.size());
      // "replica name 'r-1' makes the replication slot name ..." is said of the prefix.
      const std::string prefix = replica.name.substr(0, replica.name.size() - number.size());
      std::string message = problem->message;
      message.replace(0, message.find("name '", message.find(" makes ")) + 5,
                      "name_prefix '" + printable(prefix) + "' makes replication slot names like ");
      report.error(sources.at("replicas.name_prefix", replica.pos), message, fix);
    }
  }
}

bool is_wildcard(const std::string& ip) { return ip == "0.0.0.0" || ip == "::"; }

bool clash(const PublishSpec& a, const PublishSpec& b) {
  if (a.port == 0 || a.port != b.port) return false;
  return a.host_ip == b.host_ip || is_wildcard(a.host_ip) || is_wildcard(b.host_ip);
}

void check_ports(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  std::vector<NodeRef> nodes = nodes_of(spec, sources);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const PublishSpec& publish = nodes[i].node.publish;
      if (!clash(publish, nodes[j].node.publish)) continue;
      report.error(sources.at(nodes[i].path + ".publish", nodes[i].node.pos),
                   "port " + std::to_string(publish.port) + " on " + publish.host_ip +
                       " is already published by " + nodes[j].node.name);
      break;
    }
  }
}

void check_replication_role(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  const std::string& user = spec.replication.user;
  if (user.empty() || sources.unreadable.count("roles")) return;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < spec.roles.size(); ++i) {
    const RoleSpec& role = spec.roles[i];
    names.push_back(role.name);
    if (role.name != user) continue;
    // A password that was written but could not be read is reported already.
    const bool password_written = sources.has(sources.role_paths[i] + ".password");
    if (!role.present) {
      report.error(role.pos, "role '" + user + "' is the replication user and cannot have ensure: absent");
    } else if (role.replication != true) {
      report.error(role.pos, "role '" + user + "' is the replication user and needs replication: true");
    } else if (role.login != true) {
      report.error(role.pos, "role '" + user + "' is the replication user and needs login: true");
    } else if (!role.password && !password_written) {
      report.error(role.pos, "role '" + user +
                                 "' is the replication user and needs a password: replicas sign in "
                                 "with it");
    } else if (role.password && role.password->kind == SecretRef::Kind::kScramVerifier) {
      report.error(role.password->pos, "role '" + user +
                                           "' is the replication user: replicas sign in with its "
                                           "password, so the spec needs the password itself, not a verifier");
    }
    return;
  }
  report.error(sources.at("replication.user"), "replication user '" + user + "' is not declared under roles",
               closest_match(user, names));
}

void check_replication(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  if (!sources.has("replication")) {
    if (!spec.replicas.empty() && !sources.unreadable.count("replication")) {
      report.error(sources.at("replicas"), "replicas need a replication section naming the replication user");
    }
    return;
  }
  check_replication_role(spec, sources, report);
}

// The primary is one of the spec's nodes: a switchover needs a node to go to.
void check_primary(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  if (spec.declared_primary.empty() || spec.find_node(spec.declared_primary)) return;
  std::vector<std::string> names;
  for (const NodeSpec* node : spec.nodes()) names.push_back(node->name);
  report.error(sources.at("primary"),
               "primary '" + printable(spec.declared_primary) + "' is not a node of the spec",
               closest_match(spec.declared_primary, names));
}

}  // namespace

void validate(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  check_images(spec, sources, report);
  check_volumes(spec, sources, report);
  check_node_names(spec, report);
  check_slot_names(spec, sources, report);
  check_ports(spec, sources, report);
  check_replication(spec, sources, report);
  check_primary(spec, sources, report);
  validate_roles(spec, sources, report);
  validate_backup(spec, sources, report);
}

void resolve_defaults(ClusterSpec& spec) {
  if (spec.network.name.empty()) spec.network.name = "network";
  for (ReplicaSpec& replica : spec.replicas) {
    if (replica.image.empty()) replica.image = spec.master.image;
  }
  if (spec.declared_primary.empty()) spec.declared_primary = spec.master.name;
  make_primary(spec, spec.declared_primary);
}

}  // namespace pgdecl::spec
