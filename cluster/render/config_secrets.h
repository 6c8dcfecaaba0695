#pragma once

#include <map>
#include <set>
#include <string>

#include "cluster/spec/model.h"
#include "engine/core/secret.h"

namespace pgdecl::engine {

// The values of the spec's secrets in config files (hba options and
// parameters), by key, as the CLI resolved them. Rendered with them, a file
// is what the server reads; rendered without, it is what plans, the state
// and `show` hold, with spec::kSensitiveValue in each secret's place.
using ConfigSecrets = std::map<std::string, Secret>;

// What a live file shows for a secret that is not the spec's.
inline constexpr const char* kDifferentValue = "(a different value)";

std::string parameter_secret_key(const std::string& node, const std::string& parameter);
std::string hba_secret_key(const std::string& node, std::size_t line, const std::string& option);

// Every key the node's files need.
std::set<std::string> config_secret_keys(const spec::NodeSpec& node);

// node.parameters with the secrets' values in their places (one `values`
// lacks keeps spec::kSensitiveValue).
std::map<std::string, std::string> parameters_with_secrets(const spec::NodeSpec& node,
                                                           const ConfigSecrets& values);

// The hba options of the node whose values are hidden: those the server
// reads as secrets, and those the spec gives as secrets.
std::set<std::string> hba_secret_options(const spec::NodeSpec& node);

// pg_hba.conf text as plans show it: the value of every option in
// `options` replaced by kSensitiveValue where `reference` (the file the spec
// wants) has the same value for that option on the same line, and by
// kDifferentValue elsewhere. The rest of the text is kept as it is.
std::string redact_hba(const std::string& text, const std::string& reference,
                       const std::set<std::string>& options);

}  // namespace pgdecl::engine
