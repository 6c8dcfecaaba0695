#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace pgdecl::state {

// What pgdecl remembers of one resource: the object's id and its
// non-secret attributes. Never a password, verifier or hash.
struct ResourceRecord {
  std::string address;  // docker_container.master
  std::string id;       // Docker id, or the name for SQL objects
  std::map<std::string, std::string> attributes = {};
  // Addresses it depended on when made: a resource that has left the spec
  // is still destroyed in the right order.
  std::vector<std::string> depends_on = {};
};

struct State {
  static constexpr int kFormatVersion = 1;
  int format_version = kFormatVersion;
  std::string lineage;      // random, fixed for the life of a cluster
  std::int64_t serial = 0;  // +1 on every write
  std::string cluster;
  std::map<std::string, ResourceRecord> resources;  // by address
};

// A fresh state with a new random lineage.
State new_state(const std::string& cluster);

// nullopt when the file does not exist. A file of another format version is
// refused with an error and left as it is.
Result<std::optional<State>> read_state(const std::filesystem::path& file);

// Atomic: temp file in the same folder, fsync, the old file kept as
// FILE.backup, rename, fsync of the folder. Increments state.serial first;
// when the write fails the serial is put back, so memory matches the disk.
// Refuses to replace a file of another format version.
Status write_state(const std::filesystem::path& file, State& state);

// The crash-safe write shared by the state and the secrets file, in two
// steps so the state can keep its backup between them.
//
// Creates the folder of FILE when missing (mode 0700: it holds the cluster's
// topology and its secrets), then writes FILE.tmp created fresh with mode
// 0600, so its contents are never readable by others, not even briefly, and
// syncs it. A leftover FILE.tmp from a crash is replaced.
Result<std::filesystem::path> write_synced_temp(const std::filesystem::path& file,
                                                const std::string& contents);
// Renames the temp file over FILE and syncs the folder, so the rename itself
// survives a crash.
Status commit_temp(const std::filesystem::path& temp, const std::filesystem::path& file);
// Creates the folder that holds FILE when missing; mode 0700 for the leaf.
Status ensure_parent_folder(const std::filesystem::path& file);

}  // namespace pgdecl::state
