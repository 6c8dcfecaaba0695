#include "engine/core/diagnostics.h"

#include <algorithm>

namespace pgdecl {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (pos.line > 0) out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  out += message;
  if (!suggestion.empty()) out += " (did you mean '" + suggestion + "'?)";
  return out;
}

void Diagnostics::error(const std::string& file, SourcePos pos, std::string message, std::string suggestion) {
  items_.push_back({Diagnostic::Severity::kError, file, pos, std::move(message), std::move(suggestion)});
}

void Diagnostics::warning(const std::string& file, SourcePos pos, std::string message) {
  items_.push_back({Diagnostic::Severity::kWarning, file, pos, std::move(message), {}});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::kError; });
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) out += d.to_string() + "\n";
  return out;
}

}  // namespace pgdecl
