#include "cluster/render/config_secrets.h"

#include <sstream>
#include <vector>

#include "cluster/spec/formats.h"

namespace pgdecl::engine {
namespace {

// A field of an hba line: where it is in the line, and its text with the
// double quotes taken out (as the server reads it).
struct Field {
  std::size_t begin = 0, end = 0;
  std::string text;
};

// Splits as the server does: blanks separate fields, double quotes keep
// blanks inside one, '#' outside quotes starts a comment.
std::vector<Field> fields_of(const std::string& line) {
  std::vector<Field> fields;
  Field current;
  bool quoted = false, in_field = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (!quoted && c == '#') break;
    if (!quoted && (c == ' ' || c == '\t')) {
      if (in_field) fields.push_back(current);
      in_field = false;
      continue;
    }
    if (!in_field) current = Field{i, i, ""};
    in_field = true;
    current.end = i + 1;
    if (c == '"') {
      quoted = !quoted;
    } else {
      current.text += c;
    }
  }
  if (in_field) fields.push_back(current);
  return fields;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The value `option` has on the line, if the line sets it.
std::optional<std::string> option_value(const std::vector<Field>& fields, const std::string& option) {
  for (const auto& field : fields) {
    if (field.text.rfind(option + "=", 0) == 0) return field.text.substr(option.size() + 1);
  }
  return std::nullopt;
}

const std::string* secret_option_of(const Field& field, const std::set<std::string>& options) {
  const auto equals = field.text.find('=');
  if (equals == std::string::npos) return nullptr;
  auto found = options.find(field.text.substr(0, equals));
  return found == options.end() ? nullptr : &*found;
}

std::string redact_line(const std::string& line, const std::string& reference_line,
                        const std::set<std::string>& options) {
  const auto fields = fields_of(line);
  const auto reference = fields_of(reference_line);
  std::string out;
  std::size_t copied = 0;
  for (const auto& field : fields) {
    const std::string* option = secret_option_of(field, options);
    if (!option) continue;
    const bool same = option_value(reference, *option) == field.text.substr(option->size() + 1);
    out += line.substr(copied, field.begin - copied);
    out += *option + "=\"" + (same ? spec::kSensitiveValue : kDifferentValue) + "\"";
    copied = field.end;
  }
  return out + line.substr(copied);
}

}  // namespace

std::string parameter_secret_key(const std::string& node, const std::string& parameter) {
  return node + ".parameters." + parameter;
}

std::string hba_secret_key(const std::string& node, std::size_t line, const std::string& option) {
  return node + ".hba[" + std::to_string(line) + "]." + option;
}

std::set<std::string> config_secret_keys(const spec::NodeSpec& node) {
  std::set<std::string> keys;
  for (const auto& [name, ref] : node.secret_parameters) keys.insert(parameter_secret_key(node.name, name));
  for (const auto& option : node.hba_secrets)
    keys.insert(hba_secret_key(node.name, option.line, option.option));
  return keys;
}

std::map<std::string, std::string> parameters_with_secrets(const spec::NodeSpec& node,
                                                           const ConfigSecrets& values) {
  std::map<std::string, std::string> out = node.parameters;
  for (const auto& [name, ref] : node.secret_parameters) {
    auto value = values.find(parameter_secret_key(node.name, name));
    if (value != values.end()) out[name] = value->second.reveal();
  }
  return out;
}

std::set<std::string> hba_secret_options(const spec::NodeSpec& node) {
  std::set<std::string> options(std::begin(spec::kHbaSecretOptions), std::end(spec::kHbaSecretOptions));
  for (const auto& option : node.hba_secrets) options.insert(option.option);
  return options;
}

std::string redact_hba(const std::string& text, const std::string& reference,
                       const std::set<std::string>& options) {
  const auto reference_lines = lines_of(reference);
  std::string out;
  std::size_t index = 0;
  for (const auto& line : lines_of(text)) {
    out += redact_line(line, index < reference_lines.size() ? reference_lines[index] : "", options) + "\n";
    ++index;
  }
  // A file without a final line break keeps it so.
  if (!text.empty() && text.back() != '\n') out.pop_back();
  return out;
}

}  // namespace pgdecl::engine
