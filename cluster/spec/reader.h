#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/spec/model.h"
#include "cluster/spec/yaml_reader.h"

// Private to cluster/spec: each function reads one section of the spec into
// the model, reporting every problem of form and type it meets (references
// between sections are validate.cc's job).

namespace pgdecl::spec {

void read_spec(Reader& reader, const YAML::Node& root, ClusterSpec& spec);  // read_cluster.cc

void read_master(Reader& reader, const Entry& entry, ClusterSpec& spec);  // read_nodes.cc
void read_replicas(Reader& reader, const Entry& entry, ClusterSpec& spec);

// spec.backup and spec.restore; whether backup.volume is one of the spec's
// volumes is validate_backup.cc's to check.
void read_backup(Reader& reader, const Entry& entry, ClusterSpec& spec);  // read_backup.cc
void read_restore(Reader& reader, const Entry& entry, ClusterSpec& spec);

void read_roles(Reader& reader, const Entry& entry, ClusterSpec& spec);  // read_roles.cc
void read_databases(Reader& reader, const Entry& entry, ClusterSpec& spec);
// Role names are quoted wherever they are used, so only what Postgres
// itself refuses is refused here.
void check_role_name(Reader& reader, const Entry& entry, const std::string& name);

std::optional<SecretRef> read_secret(Reader& reader, const Entry& entry,
                                     const std::filesystem::path& dir);  // secret_ref.cc

// A secret written into a config file: { env: VAR } or { file: PATH }, or
// inline with a warning.
std::optional<SecretRef> read_config_secret(Reader& reader, const Entry& entry,
                                            const std::filesystem::path& dir);  // secret_ref.cc

// Into node.parameters and node.secret_parameters.
void read_parameters(Reader& reader, const Entry& entry, const std::filesystem::path& dir,
                     NodeSpec& node);  // parameters.cc
std::map<std::string, std::string> read_string_map(Reader& reader, const Entry& entry);
// A whole number and one of `units` (among ms, s, m, h and d), like 3s;
// `example` shows the form in the error (read_cluster.cc).
std::optional<std::chrono::milliseconds> read_duration(Reader& reader, const Entry& entry,
                                                       const std::vector<std::string>& units,
                                                       const std::string& example);

}  // namespace pgdecl::spec
