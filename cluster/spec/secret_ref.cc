#include <sys/stat.h>
#include <unistd.h>

#include "cluster/spec/formats.h"
#include "cluster/spec/reader.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kSources = {"env", "file", "generate"};
constexpr std::string_view kScramPrefix = "SCRAM-SHA-256$";

// An inline secret as one line of text: a password reaches passfiles one
// a line, and a config file holds a value on one line, so a line break
// would split it. `what` names it in errors.
std::optional<std::string> one_line_secret(Reader& reader, const Entry& entry, const std::string& what) {
  const std::string& text = entry.value.Scalar();
  if (text.empty()) {
    reader.error(entry.value_pos, "expected a non-empty " + what);
    return std::nullopt;
  }
  if (!is_utf8(text)) {
    reader.not_utf8(entry);
    return std::nullopt;
  }
  if (has_control_character(text)) {
    reader.error(entry.value_pos, "the " + what + " holds a line break or another control character");
    return std::nullopt;
  }
  return text;
}

// A string is the password itself, or a verifier already hashed elsewhere
// (safe to keep in a spec, so no warning).
std::optional<SecretRef> read_inline(Reader& reader, const Entry& entry) {
  auto text = one_line_secret(reader, entry, "password");
  if (!text) return std::nullopt;
  if (text->rfind(kScramPrefix, 0) == 0) {
    if (auto problem = check_scram_verifier(*text)) {
      reader.error(entry.value_pos, problem->message);
      return std::nullopt;
    }
    return SecretRef{SecretRef::Kind::kScramVerifier, *text, entry.value_pos};
  }
  reader.warning(
      entry.value_pos,
      "password written inline in the spec; prefer { env: VAR }, { file: PATH } or { generate: true }");
  return SecretRef{SecretRef::Kind::kLiteral, *text, entry.value_pos};
}

// The file must be there for a plan to read it; its content is not read
// here, and its path is not shown (a password written as a path by
// mistake would be).
void check_secret_file(Reader& reader, const SecretRef& file, const std::string& what) {
  struct stat info {};
  const std::string the_file = "the " + what + " file";
  if (::stat(file.value.c_str(), &info) != 0) {
    reader.error(file.pos, the_file + " does not exist or cannot be reached");
  } else if (!S_ISREG(info.st_mode)) {
    reader.error(file.pos, the_file + " is not a regular file");
  } else if (::access(file.value.c_str(), R_OK) != 0) {
    reader.error(file.pos, the_file + " cannot be read by this user");
  } else if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    reader.warning(file.pos,
                   the_file + " can be read or written by other users than its owner (chmod 600 it)");
  }
}

std::optional<SecretRef> read_source(Reader& reader, const Entry& source, const std::filesystem::path& dir,
                                     const std::string& what = "password") {
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
  SecretRef file{SecretRef::Kind::kFile, (dir / *text).lexically_normal().string(), source.value_pos};
  check_secret_file(reader, file, what);
  return file;
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

// A secret in a config file (an hba option, a parameter) must match
// something outside pgdecl, so it is never generated: it comes from the
// environment or a file (or, with a warning, is written inline).
std::optional<SecretRef> read_config_secret(Reader& reader, const Entry& entry,
                                            const std::filesystem::path& dir) {
  if (entry.value.IsScalar()) {
    auto text = one_line_secret(reader, entry, "secret");
    if (!text) return std::nullopt;
    reader.warning(entry.value_pos,
                   "secret written inline in the spec; prefer { env: VAR } or { file: PATH }");
    return SecretRef{SecretRef::Kind::kLiteral, *text, entry.value_pos};
  }
  if (!entry.value.IsMap()) {
    reader.expected(entry, "a map with env or file");
    return std::nullopt;
  }
  MapReader map(reader, entry, {"env", "file"});
  const auto& sources = map.entries();
  if (sources.size() == 1) return read_source(reader, sources.front(), dir, "secret");
  if (sources.empty() && entry.value.size() > 0) return std::nullopt;  // unknown keys already reported
  std::string found;
  for (const Entry& source : sources) found += (found.empty() ? "" : ", ") + source.key;
  reader.error(entry.value_pos, "expected exactly one of env or file for '" + entry.key + "', got " +
                                    (found.empty() ? std::string("none") : found));
  return std::nullopt;
}

}  // namespace pgdecl::spec
