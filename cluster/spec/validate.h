#pragma once

#include "cluster/spec/model.h"
#include "cluster/spec/source_map.h"

// Private to cluster/spec.

namespace pgdecl::spec {

// Checks what no single value shows: references between sections,
// duplicates and clashes. Each problem is reported at the value that causes
// it, and references into a section that could not be read are not checked
// (its own error says enough).
void validate(const ClusterSpec& spec, const SourceMap& sources, Reporter& report);

// Roles, memberships and databases (validate_roles.cc).
void validate_roles(const ClusterSpec& spec, const SourceMap& sources, Reporter& report);

// The backup section against the volumes, the nodes and replication
// (validate_backup.cc).
void validate_backup(const ClusterSpec& spec, const SourceMap& sources, Reporter& report);

// Defaults that depend on other sections (a replica's image is the master's).
void resolve_defaults(ClusterSpec& spec);

}  // namespace pgdecl::spec
