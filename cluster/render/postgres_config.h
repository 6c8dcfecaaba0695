#pragma once

#include <map>
#include <string>
#include <vector>

#include "cluster/render/config_secrets.h"
#include "cluster/spec/model.h"

namespace pgdecl::engine {

// pg_hba.conf of a node, whole: pgdecl's own rules first (so it can always
// manage the server), then the spec's lines in the order given, each with
// its secret options. Without `secrets`, as plans show it (every secret
// hidden); with them, as the server reads it (a key they lack stays
// hidden). A new node starts with its own rules alone.
std::string render_hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node,
                       const ConfigSecrets* secrets = nullptr);
std::string render_own_hba_rules(const spec::ClusterSpec& spec);
// render_hba() as plans and the state show it: also a secret written inline
// in a line (ldapbindpasswd=...) is hidden.
std::string shown_hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node);

// pgdecl.conf, included from postgresql.conf: the settings pgdecl owns, then
// the spec's parameters (secrets as in render_hba). A new node starts with
// the owned settings alone. A replica's owned settings also point it at the
// master, through its slot.
std::string render_settings_file(const spec::ClusterSpec& spec, const spec::NodeSpec& node,
                                 const ConfigSecrets* secrets = nullptr);
std::string render_owned_settings(const spec::ClusterSpec& spec, const spec::NodeSpec& node);

// The `name = value` lines of a settings file as rendered above, values
// unquoted, the last of a name winning (as the server reads it). Names in
// lower case. Comments and blank lines are skipped.
std::map<std::string, std::string> settings_in_file(const std::string& text);

// The shell script a node's container runs as its command. No entrypoint of
// the image is used: it needs only the PostgreSQL binaries. It holds no
// secret (the container's command shows in `docker inspect`). It is the
// same for every node: an empty volume is initialised only when pgdecl
// handed over the initial password (the primary's first start); any other
// node waits for its copy from pg_basebackup.
std::string node_boot_script(const spec::ClusterSpec& spec);

// Short stable digest of a text (FNV-1a, hex): change detection, not crypto.
std::string text_digest(const std::string& text);

// Quoting for the server's config files and for sh.
std::string quote_conf_value(const std::string& value);
std::string quote_shell(const std::string& value);

}  // namespace pgdecl::engine
