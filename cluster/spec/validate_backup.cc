#include "cluster/spec/suggest.h"
#include "cluster/spec/validate.h"

namespace pgdecl::spec {
namespace {

std::vector<const NodeSpec*> written_nodes(const ClusterSpec& spec) {
  std::vector<const NodeSpec*> nodes{&spec.master};
  for (const ReplicaSpec& replica : spec.replicas) nodes.push_back(&replica);
  return nodes;
}

// The archive is what is left when a node's data is lost, so it cannot be
// that data's volume.
void check_backup_volume(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  const std::string& volume = spec.backup.volume;
  if (volume.empty()) return;
  const SourcePos pos = sources.at("backup.volume", spec.backup.pos);
  if (!spec.volumes.count(volume)) {
    if (sources.unreadable.count("volumes")) return;
    std::vector<std::string> names;
    for (const auto& [name, declared] : spec.volumes) names.push_back(name);
    report.error(pos, "volume '" + volume + "' is not declared under volumes", closest_match(volume, names));
    return;
  }
  for (const NodeSpec* node : written_nodes(spec)) {
    if (node->volume != volume) continue;
    report.error(pos, "volume '" + volume + "' holds the data of " + node->name +
                          ": the archive must outlive the node's data, so it needs a volume of its own");
    return;
  }
}

// The archiver streams the primary's WAL through a replication connection,
// signed in as the replication user.
void check_backup_replication(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  if (sources.has("replication") || sources.unreadable.count("replication")) return;
  report.error(spec.backup.pos,
               "backup needs a replication section naming the replication user: the archiver streams "
               "the primary's WAL as that user");
}

// The archiver's container is <cluster>-archiver and its slot
// pgdecl_archiver (engine::kArchiverName, in a layer above this one): a
// node of that name would take both.
void check_archiver_name(const ClusterSpec& spec, Reporter& report) {
  for (const NodeSpec* node : written_nodes(spec)) {
    if (node->name != "archiver") continue;
    report.error(node->pos, "node name 'archiver' is reserved while the spec has a backup section: " +
                                spec.name + "-archiver is the container that streams WAL into the archive");
  }
}

}  // namespace

void validate_backup(const ClusterSpec& spec, const SourceMap& sources, Reporter& report) {
  if (!spec.backup.declared || sources.unreadable.count("backup")) return;
  check_backup_volume(spec, sources, report);
  check_backup_replication(spec, sources, report);
  check_archiver_name(spec, report);
}

}  // namespace pgdecl::spec
