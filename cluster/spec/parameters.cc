#include <cctype>
#include <charconv>
#include <regex>

#include "cluster/spec/formats.h"
#include "cluster/spec/loader.h"
#include "cluster/spec/reader.h"

namespace pgdecl::spec {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A plain YAML integer (10, 0x1F, 0o17) becomes its decimal text, which is
// what Postgres reports back; anything else (1GB, on, 0.9, quoted text) is
// kept exactly as written.
std::string parameter_text(const YAML::Node& value) {
  const std::string& text = value.Scalar();
  // The length check first: std::regex recurses once per character.
  if (value.Tag() != "?" || text.size() > 64) return text;
  static const std::regex integer("[-+]?(0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)");
  if (!std::regex_match(text, integer)) return text;
  std::string_view digits = text;
  bool negative = digits.front() == '-';
  if (digits.front() == '-' || digits.front() == '+') digits.remove_prefix(1);
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  }
  unsigned long long magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc()) return text;  // too large for a number: leave it to Postgres
  return (negative && magnitude != 0 ? "-" : "") + std::to_string(magnitude);
}

// { env: VAR } or { file: PATH } (with mistakes the secret reader names).
bool is_secret_reference(const YAML::Node& value) {
  if (!value.IsMap()) return false;
  for (const auto& pair : value) {
    const std::string key = pair.first.IsScalar() ? pair.first.Scalar() : "";
    if (key == "env" || key == "file") return true;
  }
  return false;
}

}  // namespace

const std::map<std::string, std::string>& owned_parameters() {
  static const std::map<std::string, std::string> owned = {
      {"port", "containers always listen on 5432; choose the host port with publish"},
      {"listen_addresses", "replicas and published ports reach the server on the container's addresses"},
      {"primary_conninfo", "each replica is pointed at the master by pgdecl"},
      {"primary_slot_name", "slots are named pgdecl_<replica>; turn them off with replication.slots"},
      {"hba_file", "pg_hba.conf is rendered from hba"},
      {"ident_file", "pgdecl keeps the server's configuration files in the data directory"},
      {"config_file", "pgdecl keeps the server's configuration files in the data directory"},
      {"data_directory", "the data directory is the node's volume"},
      {"cluster_name", "it is set to the node's name, so logs and process titles name the node"},
      {"include", "the whole configuration is in the spec, so plans show every setting"},
      {"include_dir", "the whole configuration is in the spec, so plans show every setting"},
      {"include_if_exists", "the whole configuration is in the spec, so plans show every setting"},
  };
  return owned;
}

void read_parameters(Reader& reader, const Entry& entry, const std::filesystem::path& dir, NodeSpec& node) {
  if (!reader.is_map(entry)) return;
  MapReader map(reader, entry);
  for (const Entry& item : map.entries()) {
    // Postgres ignores the case of parameter names, so the model does too.
    std::string name = lower(item.key);
    auto owned = owned_parameters().find(name);
    if (auto problem = check_parameter_name(item.key)) {
      reader.error(item.key_pos, problem->message);
    } else if (owned != owned_parameters().end()) {
      reader.error(item.key_pos, "parameter '" + name + "' is set by pgdecl (" + owned->second + ")");
    } else if (node.parameters.count(name)) {
      reader.error(item.key_pos, "parameter '" + name + "' is set twice (names ignore case)");
    } else if (is_secret_reference(item.value)) {
      // No parameter takes a map: this is a secret reference (an
      // archive_command holding a key, say).
      if (auto secret = read_config_secret(reader, item, dir)) {
        node.parameters[name] = kSensitiveValue;
        node.secret_parameters[name] = *secret;
      }
    } else if (!item.value.IsScalar()) {
      reader.expected(item, "a value, or a secret as { env: VAR } or { file: PATH }");
    } else if (!is_utf8(item.value.Scalar())) {
      reader.not_utf8(item);
    } else if (has_control_character(item.value.Scalar())) {
      // A config file holds one setting a line: a line break in a value
      // would leave pgdecl.conf unreadable to the server.
      reader.error(item.value_pos, "parameter '" + name +
                                       "': the value holds a line break or another control character, which "
                                       "a PostgreSQL config file cannot hold");
    } else {
      node.parameters[name] = parameter_text(item.value);
    }
  }
}

}  // namespace pgdecl::spec
