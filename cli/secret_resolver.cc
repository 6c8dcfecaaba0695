#include "cli/secret_resolver.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cluster/render/config_secrets.h"
#include "cluster/spec/formats.h"

namespace pgdecl::cli {
namespace {

Status located(const spec::ClusterSpec& spec, const spec::SecretRef& ref, const std::string& message) {
  return Status::invalid_argument(
      Diagnostic{Diagnostic::Severity::kError, spec.file.string(), ref.pos, message, ""}.to_string());
}

Result<Secret> from_file(const spec::SecretRef& ref, const spec::ClusterSpec& spec) {
  std::ifstream in(ref.value, std::ios::binary);
  if (!in) return located(spec, ref, "cannot read password file " + ref.value);
  std::ostringstream text;
  text << in.rdbuf();
  std::string value = text.str();
  // Files written by editors and `echo` end in a newline that is not part
  // of the password.
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return located(spec, ref, "password file " + ref.value + " is empty");
  return Secret(std::move(value));
}

}  // namespace

Result<Secret> resolve_secret(const spec::SecretRef& ref, const std::string& key,
                              const spec::ClusterSpec& spec, state::SecretsFile& secrets) {
  switch (ref.kind) {
    case spec::SecretRef::Kind::kEnv: {
      const char* value = std::getenv(ref.value.c_str());
      if (!value || !*value) return located(spec, ref, "environment variable " + ref.value + " is not set");
      return Secret(value);
    }
    case spec::SecretRef::Kind::kFile:
      return from_file(ref, spec);
    case spec::SecretRef::Kind::kGenerate: {
      if (auto stored = secrets.get(key)) return *stored;
      Secret made = state::SecretsFile::generate_password();
      secrets.put(key, made);
      return made;
    }
    case spec::SecretRef::Kind::kLiteral:
      return Secret(ref.value);
    case spec::SecretRef::Kind::kScramVerifier:
      return located(spec, ref,
                     "pgdecl connects with this password, so it needs the password itself, not a verifier");
  }
  return located(spec, ref, "unknown kind of password");
}

Result<Secret> resolve_role_password(const spec::RoleSpec& role, const spec::ClusterSpec& spec,
                                     state::SecretsFile& secrets) {
  const spec::SecretRef& ref = *role.password;
  if (ref.kind == spec::SecretRef::Kind::kScramVerifier) return Secret(ref.value);
  return resolve_secret(ref, "role." + role.name, spec, secrets);
}

namespace {

Result<Secret> config_secret(const spec::SecretRef& ref, const std::string& key,
                             const spec::ClusterSpec& spec, state::SecretsFile& secrets, bool in_hba) {
  auto value = resolve_secret(ref, key, spec, secrets);
  if (!value) return value;
  if (spec::has_control_character(value->reveal()))
    return located(
        spec, ref,
        "the secret holds a line break or another control character, which a config file cannot hold");
  if (in_hba && value->reveal().find('"') != std::string::npos)
    return located(spec, ref, "the secret holds a double quote, which pg_hba.conf cannot hold in an option");
  return value;
}

void resolve_node(const spec::NodeSpec& node, const spec::ClusterSpec& spec, state::SecretsFile& secrets,
                  std::map<std::string, Result<Secret>>& out) {
  for (const auto& [name, ref] : node.secret_parameters) {
    const std::string key = engine::parameter_secret_key(node.name, name);
    out.emplace(key, config_secret(ref, key, spec, secrets, false));
  }
  for (const auto& option : node.hba_secrets) {
    const std::string key = engine::hba_secret_key(node.name, option.line, option.option);
    out.emplace(key, config_secret(option.value, key, spec, secrets, true));
  }
}

}  // namespace

std::map<std::string, Result<Secret>> resolve_config_secrets(const spec::ClusterSpec& spec,
                                                             state::SecretsFile& secrets) {
  std::map<std::string, Result<Secret>> out;
  for (const auto* node : spec.nodes()) resolve_node(*node, spec, secrets, out);
  return out;
}

}  // namespace pgdecl::cli
