#include "engine/cli/secret_resolver.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

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

}  // namespace pgdecl::cli
