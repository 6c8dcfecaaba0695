#pragma once

#include <string>
#include <vector>

#include "providers/docker/client.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// What a short-lived container of a replica's is for, in its pgdecl.helper
// label: it is found and removed by that label, never by its name alone.
inline constexpr const char* kProbeHelper = "probe";      // reads or writes a volume, never started
inline constexpr const char* kCopyHelper = "copy";        // runs pg_basebackup
inline constexpr const char* kRewindHelper = "rewind";    // runs pg_rewind
inline constexpr const char* kBackupHelper = "backup";    // runs pg_basebackup into the archive
inline constexpr const char* kRestoreHelper = "restore";  // restores a backup into the primary's volume
inline constexpr const char* kListHelper = "list";        // lists the archive

// Creates a helper container of pg_replica.<replica> with `config` (its
// name, image, command, mounts), labelled as the helper and with the run
// that made it (pgdecl.run). It mounts only the spec's `volumes`, each
// checked to exist and be this cluster's first. Leftovers of this helper
// whose run is over (a killed run) are removed first; a helper of a run
// still going (an apply beside a plan) is left alone, so a helper that
// more than one run may make at once (a probe) takes a name of its run's
// own. Anything at its name that is not this helper is refused, naming
// it. No restart policy: a helper runs once.
Result<std::string> create_helper_container(NodeContext& context, const std::string& replica,
                                            const std::string& helper, docker::ContainerConfig config,
                                            const std::vector<std::string>& volumes);

// The same for a helper of the resource at `owner_address` (the archiver's:
// a backup, a listing of the archive).
Result<std::string> create_helper_container_of(NodeContext& context, const std::string& owner_address,
                                               const std::string& helper, docker::ContainerConfig config,
                                               const std::vector<std::string>& volumes);

}  // namespace pgdecl::pg
