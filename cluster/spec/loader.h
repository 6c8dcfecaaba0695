#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cluster/spec/model.h"
#include "engine/core/diagnostics.h"

namespace pgdecl::spec {

// Reads, checks and resolves a spec. Every problem goes to `diagnostics`
// (all of them, not only the first); the spec is returned only when there is
// no error. Warnings (an inline password, say) do not stop it.
std::optional<ClusterSpec> load_spec_file(const std::filesystem::path& file, Diagnostics& diagnostics);

// Same, from text already in memory; `file` names it in diagnostics and
// anchors relative paths.
std::optional<ClusterSpec> load_spec_text(const std::string& text, const std::filesystem::path& file,
                                          Diagnostics& diagnostics);

// Parameters that pgdecl sets itself and a spec may not, each with the reason
// users see: "parameter 'port' is set by pgdecl (<reason>)". Names are lower
// case; the check ignores case, as Postgres does.
const std::map<std::string, std::string>& owned_parameters();

}  // namespace pgdecl::spec
