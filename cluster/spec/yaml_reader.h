#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/spec/source_map.h"

// Private to cluster/spec: the only place that knows yaml-cpp's node API.

namespace pgdecl::spec {

SourcePos position_of(const YAML::Node& node);  // 1-based; {} when yaml-cpp does not know
std::string describe(const YAML::Node& node);   // "'abc'", "a map", "a list", "nothing"
// How messages show a value written under a password key.
inline constexpr const char* kSensitive = "(sensitive)";

// One value of the spec: a map's `key: value`, or an item of a list (whose key
// is then the list's key, since that is what messages name).
struct Entry {
  std::string key;
  std::string path;  // "master.image", "roles[0]": how the SourceMap names it
  SourcePos key_pos;
  SourcePos value_pos;  // the key's position when the value is empty
  YAML::Node value;
};

// The one YAML document of `text`; syntax errors become diagnostics
// (yaml_document.cc).
std::optional<YAML::Node> parse_document(const std::string& text, Reporter& report);

// The document itself, as an entry, so the top level reads like any section.
Entry root_entry(const YAML::Node& root);

// Typed reads. Each one reports what it expected and what it got, at the
// value, and returns nothing on a mismatch so the caller can keep going and
// find the next problem.
class Reader : public Reporter {
 public:
  Reader(std::string file, Diagnostics& diagnostics, SourceMap& sources)
      : Reporter(std::move(file), diagnostics), sources_(sources) {}

  SourceMap& sources() { return sources_; }

  std::optional<std::string> text(const Entry& entry);
  std::optional<long long> integer(const Entry& entry);
  std::optional<bool> boolean(const Entry& entry);
  // One of a fixed set of words; the closest is suggested when it is not.
  std::optional<std::string> word(const Entry& entry, const std::vector<std::string>& allowed);
  bool is_map(const Entry& entry);                              // an empty value is an empty map
  std::optional<std::vector<Entry>> items(const Entry& entry);  // an empty value is an empty list

  // "expected <what> for '<key>', got <what it is>", at the value.
  void expected(const Entry& entry, const std::string& what);
  // A value whose bytes are not UTF-8, at the value.
  void not_utf8(const Entry& entry);

 private:
  SourceMap& sources_;
};

// A YAML map checked against the keys its section accepts. Unknown and
// duplicate keys are reported once, when it is opened; lookups then only see
// the first of duplicated keys.
class MapReader {
 public:
  // Any key is accepted (names of images, volumes, parameters).
  MapReader(Reader& reader, const Entry& map);
  MapReader(Reader& reader, const Entry& map, const std::vector<std::string>& allowed);

  const Entry* find(std::string_view key) const;
  // Reports a missing key, unless an unknown key was taken for a typo of it
  // (one mistake, one error).
  const Entry* require(std::string_view key);
  // Allowed keys that some unknown key was suggested for.
  const std::set<std::string>& misspelt() const { return misspelt_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& path() const { return path_; }
  SourcePos pos() const { return pos_; }
  std::string where() const;  // "in master", "at top level"

  std::optional<std::string> text(std::string_view key);
  std::optional<long long> integer(std::string_view key);
  std::optional<bool> boolean(std::string_view key);

 private:
  void add(const YAML::Node& key, const YAML::Node& value, const std::vector<std::string>* allowed);

  Reader& reader_;
  std::string path_;
  SourcePos pos_;
  std::vector<Entry> entries_;
  std::set<std::string> misspelt_;
};

}  // namespace pgdecl::spec
