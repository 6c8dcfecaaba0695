#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "engine/core/result.h"

namespace pgdecl::state {

// What pgdecl remembers of one resource: the object's id and its
// non-secret attributes. Never a password, verifier or hash.
struct ResourceRecord {
  std::string address;  // docker_container.master
  std::string id;       // Docker id, or the name for SQL objects
  std::map<std::string, std::string> attributes;
};

struct State {
  static constexpr int kFormatVersion = 1;
  int format_version = kFormatVersion;
  std::string lineage;  // random, fixed for the life of a cluster
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
// FILE.backup, rename, fsync of the folder. Increments state.serial first.
Status write_state(const std::filesystem::path& file, State& state);

}  // namespace pgdecl::state
