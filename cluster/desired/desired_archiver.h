#pragma once

#include <string>
#include <vector>

#include "cluster/spec/model.h"
#include "engine/model/resource.h"

namespace pgdecl::engine {

// What the archive is mounted from: the backup volume's Docker name, or
// the host directory.
std::string archive_source(const spec::ClusterSpec& spec);

// With a backup section: the archiver's slot on the primary
// (pg_slot.archiver, made before it streams, so the primary keeps every
// segment the archive lacks) and the archiver itself (pg_archiver.archiver).
void add_archiver(std::vector<DesiredResource>& out, const spec::ClusterSpec& spec);

}  // namespace pgdecl::engine
