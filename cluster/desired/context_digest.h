#pragma once

#include <string>

#include "cluster/spec/model.h"

namespace pgdecl::engine {

// A digest of a build context (every file's relative path, mode and bytes,
// in sorted order) and of the build's options, so a plan sees a changed
// Dockerfile or file and rebuilds. An unreadable context yields a digest
// that says so; the build itself then reports the problem.
std::string build_context_digest(const spec::BuildSpec& build);

}  // namespace pgdecl::engine
