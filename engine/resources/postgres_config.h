#pragma once

#include <string>
#include <vector>

#include "engine/spec/model.h"

namespace pgdecl::engine {

// pg_hba.conf of a node, whole: pgdecl's own rules first (so it can always
// manage the server), then the spec's lines in the order given.
std::string render_hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node);

// pgdecl.conf, included from postgresql.conf: the settings pgdecl owns, then
// the spec's parameters.
std::string render_settings_file(const spec::ClusterSpec& spec, const spec::NodeSpec& node);

// The shell script a node's container runs as its command. No entrypoint of
// the image is used: it needs only the PostgreSQL binaries. It holds no
// secret (the container's command shows in `docker inspect`).
std::string node_boot_script(const spec::ClusterSpec& spec, const spec::NodeSpec& node);

// Short stable digest of a text (FNV-1a, hex): change detection, not crypto.
std::string text_digest(const std::string& text);

// Quoting for the server's config files and for sh.
std::string quote_conf_value(const std::string& value);
std::string quote_shell(const std::string& value);

}  // namespace pgdecl::engine
