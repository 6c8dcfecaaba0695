#pragma once

// Clusters that archive, and clusters restored from an archive.
#include <string>

#include "tests/e2e/replica_fixture.h"

namespace pgdecl::testing {

// A primary and one replica, archiving into a volume of their own.
inline std::string backup_spec(const std::string& cluster, bool synchronous) {
  std::string spec = replica_spec(cluster, 1);
  spec.replace(spec.find("  data: {}\n"), 11, "  data: {}\n  backups: {}\n");
  return spec + "backup:\n  volume: backups\n  synchronous: " + (synchronous ? "true" : "false") + "\n";
}

// A primary whose first data comes from `volume`'s archive, and
// `replicas` replicas copied from it.
inline std::string restore_spec(const std::string& cluster, const std::string& volume,
                                const std::string& target, int replicas = 0) {
  return (replicas ? replica_spec(cluster, replicas) : spec_text(cluster)) + "restore:\n  volume: " + volume +
         "\n  target: " + target + "\n";
}

}  // namespace pgdecl::testing
