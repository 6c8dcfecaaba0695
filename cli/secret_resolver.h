#pragma once

#include <map>
#include <string>

#include "cluster/spec/model.h"
#include "engine/core/result.h"
#include "engine/core/secret.h"
#include "state/secrets_file.h"

namespace pgdecl::cli {

// Turns a password reference of the spec into the password. `generate`
// takes it from the secrets file, or makes one and puts it there (the
// caller decides whether to save: plan never does). Errors name the spec
// location.
Result<Secret> resolve_secret(const spec::SecretRef& ref, const std::string& key,
                              const spec::ClusterSpec& spec, state::SecretsFile& secrets);

// A role's password: as resolve_secret(), and a SCRAM verifier written in
// the spec is taken as it is (the server stores it; no one connects with it).
Result<Secret> resolve_role_password(const spec::RoleSpec& role, const spec::ClusterSpec& spec,
                                     state::SecretsFile& secrets);

// Every secret the nodes' config files hold (hba options, parameters), by
// engine::config_secret_keys, or why one cannot be had. A value that a
// config file could not hold (a line break; in an hba option, a double
// quote) is refused with the spec location.
std::map<std::string, Result<Secret>> resolve_config_secrets(const spec::ClusterSpec& spec,
                                                             state::SecretsFile& secrets);

}  // namespace pgdecl::cli
