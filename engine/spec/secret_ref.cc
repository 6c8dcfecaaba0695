#include "engine/spec/formats.h"
#include "engine/spec/reader.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kSources = {"env", "file", "generate"};
constexpr std::string_view kScramPrefix = "SCRAM-SHA-256$";

// A string is the password itself, or a verifier already hashed elsewhere
// (safe to keep in a spec, so no warning).
std::optional<SecretRef> read_inline(Reader& reader, const Entry& entry) {
  const std::string& text = entry.value.Scalar();
  if (text.empty()) {
    reader.error(entry.value_pos, "expected a non-empty password");
    return std::nullopt;
  }
  if (text.rfind(kScramPrefix, 0) == 0) {
    if (auto problem = check_scram_verifier(text)) {
      reader.error(entry.value_pos, problem->message);
      return std::nullopt;
    }
    return SecretRef{SecretRef::Kind::kScramVerifier, text, entry.value_pos};
  }
  reader.warning(
      entry.value_pos,
      "password written inline in the spec; prefer { env: VAR }, { file: PATH } or { generate: true }");
  return SecretRef{SecretRef::Kind::kLiteral, text, entry.value_pos};
}

std::optional<SecretRef> read_source(Reader& reader, const Entry& source, const std::filesystem::path& dir) {
  if (source.key == "generate") {
    auto generate = reader.boolean(source);
    if (generate == false) reader.error(source.value_pos, "expected true for 'generate', got 'false'");
    if (generate != true) return std::nullopt;
    return SecretRef{SecretRef::Kind::kGenerate, {}, source.value_pos};
  }
  auto text = reader.text(source);
  if (!text) return std::nullopt;
  if (text->empty()) {
    reader.error(source.value_pos, "expected a non-empty value for '" + source.key + "'");
    return std::nullopt;
  }
  if (source.key == "env") {
    if (auto problem = check_env_name(*text)) {
      reader.error(source.value_pos, problem->message);
      return std::nullopt;
    }
    return SecretRef{SecretRef::Kind::kEnv, *text, source.value_pos};
  }
  // Only the path is kept: the file is read when a plan needs it.
  return SecretRef{SecretRef::Kind::kFile, (dir / *text).lexically_normal().string(), source.value_pos};
}

}  // namespace

std::optional<SecretRef> read_secret(Reader& reader, const Entry& entry, const std::filesystem::path& dir) {
  if (entry.value.IsScalar()) return read_inline(reader, entry);
  if (!entry.value.IsMap()) {
    reader.expected(entry, "a map with env, file or generate");
    return std::nullopt;
  }
  MapReader map(reader, entry, kSources);
  const auto& sources = map.entries();
  if (sources.size() == 1) return read_source(reader, sources.front(), dir);
  if (sources.empty() && entry.value.size() > 0) return std::nullopt;  // unknown keys already reported
  std::string found;
  for (const Entry& source : sources) found += (found.empty() ? "" : ", ") + source.key;
  reader.error(entry.value_pos, "expected exactly one of env, file or generate for 'password', got " +
                                    (found.empty() ? std::string("none") : found));
  return std::nullopt;
}

}  // namespace pgdecl::spec
