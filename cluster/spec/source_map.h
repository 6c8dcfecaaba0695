#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/core/diagnostics.h"

namespace pgdecl::spec {

// Reports problems of one spec file; every message names that file.
class Reporter {
 public:
  Reporter(std::string file, Diagnostics& diagnostics) : file_(std::move(file)), diagnostics_(diagnostics) {}

  void error(SourcePos pos, std::string message, std::string suggestion = {}) {
    diagnostics_.error(file_, pos, std::move(message), std::move(suggestion));
  }
  void warning(SourcePos pos, std::string message) { diagnostics_.warning(file_, pos, std::move(message)); }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  Diagnostics& diagnostics_;
};

// What reading learnt besides the spec itself. The model keeps one position
// per object; cross-reference checks need the exact value that is wrong
// ("master.volume"), and must not pile errors onto a section that could not
// be read at all.
struct SourceMap {
  std::map<std::string, SourcePos> positions;  // "replicas[1].image" -> where its value is
  // Where each element of the spec's lists came from, index for index:
  // "roles[2]" (entries that could not be read leave no element), or
  // "replicas" for every replica that `count:` made.
  std::vector<std::string> replica_paths, role_paths, database_paths;
  std::set<std::string> unreadable;  // sections whose names are not all known

  // Where `path` was written, or `fallback` when it was not written at all.
  SourcePos at(const std::string& path, SourcePos fallback = {}) const {
    auto it = positions.find(path);
    return it == positions.end() ? fallback : it->second;
  }
  bool has(const std::string& path) const { return positions.count(path) > 0; }
};

}  // namespace pgdecl::spec
