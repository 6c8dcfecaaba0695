#pragma once

#include <string>
#include <vector>

namespace pgdecl {

// A position in a source file; line and column count from 1, 0 = unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// One problem found in user input, located and, where possible, with a fix.
struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  SourcePos pos;
  std::string message;
  std::string suggestion;  // a name the user may have meant; empty when none

  // "file:line:col: error: message (did you mean 'x'?)"
  std::string to_string() const;
};

// Every problem of one run, so users see all of them at once.
class Diagnostics {
 public:
  void error(const std::string& file, SourcePos pos, std::string message, std::string suggestion = {});
  void warning(const std::string& file, SourcePos pos, std::string message);

  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  std::string to_string() const;  // one line each, in order of discovery

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace pgdecl
