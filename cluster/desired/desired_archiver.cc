#include "cluster/desired/desired_archiver.h"

#include "cluster/desired/desired.h"
#include "cluster/layout/naming.h"
#include "cluster/render/archive_scripts.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"

namespace pgdecl::engine {

std::string archive_source(const spec::ClusterSpec& spec) {
  if (!spec.backup.volume.empty()) return docker_name(spec.name, spec.backup.volume);
  return spec.backup.directory.string();
}

void add_archiver(std::vector<DesiredResource>& out, const spec::ClusterSpec& spec) {
  if (!spec.backup.declared) return;
  const spec::NodeSpec& primary = spec.primary();
  const std::vector<Address> on_the_primary{{resource_type::kContainer, primary.name},
                                            {resource_type::kConnection, primary.name},
                                            {resource_type::kSettings, primary.name}};
  const Address slot{resource_type::kSlot, kArchiverName};
  out.push_back({slot, {{"slot_name", slot_name(kArchiverName)}}, on_the_primary});
  DesiredResource archiver{{resource_type::kArchiver, kArchiverName},
                           {{attr::kName, docker_name(spec.name, kArchiverName)},
                            {attr::kImage, spec.images.at(primary.image).tag},
                            {attr::kArchive, archive_source(spec)},
                            {attr::kNetwork, docker_name(spec.name, spec.network.name)},
                            {attr::kSynchronous, spec.backup.synchronous ? "true" : "false"},
                            {attr::kCommand, text_digest(archiver_script(spec))},
                            {attr::kState, "running"},
                            {attr::kRestartPolicy, kNodeRestartPolicy},
                            {attr::kReplication, kStreaming}},
                           on_the_primary};
  archiver.depends_on.push_back(slot);
  archiver.depends_on.push_back({resource_type::kNetwork, spec.network.name});
  archiver.depends_on.push_back({resource_type::kImage, primary.image});
  if (!spec.backup.volume.empty())
    archiver.depends_on.push_back({resource_type::kVolume, spec.backup.volume});
  if (!spec.replication.user.empty())
    archiver.depends_on.push_back({resource_type::kRole, spec.replication.user});
  out.push_back(std::move(archiver));
}

}  // namespace pgdecl::engine
