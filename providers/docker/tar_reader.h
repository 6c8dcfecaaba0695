#pragma once

// Private to providers/docker: reading what GET /containers/{id}/archive
// sends back.

#include <string>

#include "engine/core/result.h"

namespace pgdecl::docker {

// The content of the first entry of a tar stream, which must be a regular
// file (a path that names a directory is an error, not an empty file).
Result<std::string> first_file_in_tar(const std::string& tar, const std::string& what);

}  // namespace pgdecl::docker
