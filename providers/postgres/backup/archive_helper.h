#pragma once

#include <string>
#include <vector>

#include "providers/docker/client.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

// What a short-lived container on the archive printed, and how it ended.
struct HelperRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr, as Docker keeps them
};

// The last `count` lines of a helper's output: why it failed, in its own
// words.
std::string last_lines(const std::string& output, std::size_t count);

// Runs `config` (its command and image; the archive is mounted for it) as
// a helper of the archiver's, labelled `helper`, with `files` handed over
// before it starts, waits for it for at most `timeout`, and removes it.
// The archive is mounted read-only unless `writes`.
Result<HelperRun> run_archive_helper(NodeContext& context, const std::string& helper,
                                     docker::ContainerConfig config,
                                     const std::vector<docker::ArchiveFile>& files, bool writes,
                                     std::chrono::seconds timeout);

// The same with the mounts in `config` as they are, each of `volumes` (the
// spec's names) checked to be this cluster's first; the helper is the
// resource's at `owner_address`.
Result<HelperRun> run_helper(NodeContext& context, const std::string& owner_address,
                             const std::string& helper, docker::ContainerConfig config,
                             const std::vector<docker::ArchiveFile>& files,
                             const std::vector<std::string>& volumes, std::chrono::seconds timeout);

}  // namespace pgdecl::pg
