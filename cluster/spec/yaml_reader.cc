#include "cluster/spec/yaml_reader.h"

#include <algorithm>
#include <charconv>

#include "cluster/spec/formats.h"
#include "cluster/spec/suggest.h"

namespace pgdecl::spec {
namespace {

std::string join_alternatives(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

bool parse_decimal(const std::string& text, long long& out) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty()) return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && end == digits.data() + digits.size();
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool has_segment(const std::string& path, const std::string& segment) {
  std::size_t at = 0;
  while ((at = path.find(segment, at)) != std::string::npos) {
    bool starts = at == 0 || path[at - 1] == '.';
    std::size_t end = at + segment.size();
    bool ends = end == path.size() || path[end] == '.' || path[end] == '[';
    if (starts && ends) return true;
    at = end;
  }
  return false;
}

// Anything written under a password key ("roles[0].password",
// "master.superuser.password.env") or an hba line's secrets
// ("master.hba[1].secrets.ldapbindpasswd") may be a secret, however it is
// shaped.
bool is_sensitive(const std::string& path) {
  return has_segment(path, "password") || has_segment(path, "secrets");
}

std::string describe_value(const Entry& entry) {
  if (entry.value.IsScalar() && is_sensitive(entry.path)) return kSensitive;
  return describe(entry.value);
}

}  // namespace

SourcePos position_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  return "nothing";
}

Entry root_entry(const YAML::Node& root) {
  SourcePos pos = position_of(root);
  return {"", "", pos, pos, root};
}

// Names and values reach SQL, JSON plans and the state, all UTF-8; the
// bytes are not shown, since they would not show as anything readable.
void Reader::not_utf8(const Entry& entry) {
  error(entry.value_pos,
        "expected UTF-8 text for '" + entry.key + "': the value holds bytes that are not UTF-8");
}

void Reader::expected(const Entry& entry, const std::string& what) {
  error(entry.value_pos, "expected " + what + " for '" + entry.key + "', got " + describe_value(entry));
}

std::optional<std::string> Reader::text(const Entry& entry) {
  if (entry.value.IsScalar() && !is_utf8(entry.value.Scalar())) {
    not_utf8(entry);
    return std::nullopt;
  }
  if (entry.value.IsScalar()) return entry.value.Scalar();
  expected(entry, "a string");
  return std::nullopt;
}

std::optional<long long> Reader::integer(const Entry& entry) {
  long long value = 0;
  if (entry.value.IsScalar() && parse_decimal(entry.value.Scalar(), value)) return value;
  expected(entry, "an integer");
  return std::nullopt;
}

std::optional<bool> Reader::boolean(const Entry& entry) {
  if (entry.value.IsScalar()) {
    const std::string& v = entry.value.Scalar();
    if (v == "true" || v == "True" || v == "TRUE") return true;
    if (v == "false" || v == "False" || v == "FALSE") return false;
  }
  expected(entry, "true or false");
  return std::nullopt;
}

std::optional<std::string> Reader::word(const Entry& entry, const std::vector<std::string>& allowed) {
  if (entry.value.IsScalar()) {
    const std::string& v = entry.value.Scalar();
    for (const auto& a : allowed) {
      if (v == a) return v;
    }
    error(entry.value_pos,
          "expected " + join_alternatives(allowed) + " for '" + entry.key + "', got " + describe_value(entry),
          is_sensitive(entry.path) ? "" : closest_match(v, allowed));
    return std::nullopt;
  }
  expected(entry, join_alternatives(allowed));
  return std::nullopt;
}

bool Reader::is_map(const Entry& entry) {
  if (entry.value.IsMap() || entry.value.IsNull()) return true;
  expected(entry, "a map");
  return false;
}

std::optional<std::vector<Entry>> Reader::items(const Entry& entry) {
  if (entry.value.IsNull()) return std::vector<Entry>{};
  if (!entry.value.IsSequence()) {
    expected(entry, "a list");
    return std::nullopt;
  }
  std::vector<Entry> out;
  for (const auto& item : entry.value) {
    std::string path = entry.path + "[" + std::to_string(out.size()) + "]";
    SourcePos pos = item.IsNull() ? entry.key_pos : position_of(item);
    sources_.positions[path] = pos;
    out.push_back({entry.key, path, pos, pos, item});
  }
  return out;
}

MapReader::MapReader(Reader& reader, const Entry& map) : reader_(reader), path_(map.path), pos_(map.key_pos) {
  if (!map.value.IsMap()) return;
  for (const auto& kv : map.value) add(kv.first, kv.second, nullptr);
}

MapReader::MapReader(Reader& reader, const Entry& map, const std::vector<std::string>& allowed)
    : reader_(reader), path_(map.path), pos_(map.key_pos) {
  if (!map.value.IsMap()) return;
  for (const auto& kv : map.value) add(kv.first, kv.second, &allowed);
}

void MapReader::add(const YAML::Node& key, const YAML::Node& value, const std::vector<std::string>* allowed) {
  SourcePos key_pos = position_of(key);
  if (!key.IsScalar()) {
    reader_.error(key_pos, "expected a name as key " + where() + ", got " +
                               (is_sensitive(path_) && key.IsScalar() ? kSensitive : describe(key)));
    return;
  }
  const std::string& name = key.Scalar();
  if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
    std::string suggestion = closest_match(name, *allowed);
    if (!suggestion.empty()) misspelt_.insert(suggestion);
    // `password: {hunter2}` is a map whose key is the password.
    std::string shown = is_sensitive(path_) ? kSensitive : "'" + name + "'";
    reader_.error(key_pos, "unknown key " + shown + " " + where(), suggestion);
    return;
  }
  if (const Entry* first = find(name)) {
    reader_.error(key_pos, "duplicate key '" + name + "' " + where() + " (first at line " +
                               std::to_string(first->key_pos.line) + ")");
    return;
  }
  SourcePos value_pos = value.IsNull() ? key_pos : position_of(value);
  std::string path = child_path(path_, name);
  reader_.sources().positions[path] = value_pos;
  entries_.push_back({name, path, key_pos, value_pos, value});
}

const Entry* MapReader::find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const Entry* MapReader::require(std::string_view key) {
  const Entry* e = find(key);
  if (!e && !misspelt_.count(std::string(key))) {
    reader_.error(pos_, "missing required key '" + std::string(key) + "' " + where());
  }
  return e;
}

std::string MapReader::where() const { return path_.empty() ? "at top level" : "in " + path_; }

std::optional<std::string> MapReader::text(std::string_view key) {
  const Entry* e = find(key);
  return e ? reader_.text(*e) : std::nullopt;
}

std::optional<long long> MapReader::integer(std::string_view key) {
  const Entry* e = find(key);
  return e ? reader_.integer(*e) : std::nullopt;
}

std::optional<bool> MapReader::boolean(std::string_view key) {
  const Entry* e = find(key);
  return e ? reader_.boolean(*e) : std::nullopt;
}

}  // namespace pgdecl::spec
