#pragma once

// Private to providers/docker: tar archives built in memory with libarchive,
// for PUT /containers/{id}/archive and the build context of POST /build.

#include <string>
#include <vector>

#include "engine/core/result.h"
#include "providers/docker/client.h"

namespace pgdecl::docker {

// The files with their mode and owner, parent directories implied.
Result<std::string> tar_files(const std::vector<ArchiveFile>& files);

// Everything under dir (files, directories, symlinks), paths relative to it,
// owned by root as `docker build` sends them. No .dockerignore support.
Result<std::string> tar_directory(const std::string& dir);

}  // namespace pgdecl::docker
