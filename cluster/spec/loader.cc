#include "cluster/spec/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cluster/spec/reader.h"
#include "cluster/spec/validate.h"

namespace pgdecl::spec {
namespace {

std::filesystem::path folder_of(const std::filesystem::path& file) {
  std::error_code ignored;
  std::filesystem::path absolute = std::filesystem::absolute(file, ignored);
  if (absolute.empty()) absolute = file;
  return absolute.lexically_normal().parent_path();
}

// Returns whether the spec was read without errors.
bool read_and_check(const std::string& text, const std::string& file, Diagnostics& found, ClusterSpec& spec) {
  SourceMap sources;
  Reader reader(file, found, sources);
  auto root = parse_document(text, reader);
  if (!root) return false;
  try {
    read_spec(reader, *root, spec);
    validate(spec, sources, reader);
  } catch (const YAML::Exception& e) {  // a yaml-cpp surprise, not a spec problem: say where anyway
    reader.error({e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  return !found.has_errors();
}

// Reading goes section by section; users read errors top to bottom.
void append_in_file_order(const Diagnostics& found, Diagnostics& out) {
  std::vector<Diagnostic> items = found.all();
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  for (Diagnostic& d : items) {
    if (d.severity == Diagnostic::Severity::kError) {
      out.error(d.file, d.pos, std::move(d.message), std::move(d.suggestion));
    } else {
      out.warning(d.file, d.pos, std::move(d.message));
    }
  }
}

}  // namespace

std::optional<ClusterSpec> load_spec_text(const std::string& text, const std::filesystem::path& file,
                                          Diagnostics& diagnostics) {
  ClusterSpec spec;
  spec.file = file;
  spec.dir = folder_of(file);
  Diagnostics found;
  bool ok = read_and_check(text, file.string(), found, spec);
  append_in_file_order(found, diagnostics);
  if (!ok) return std::nullopt;
  resolve_defaults(spec);
  return spec;
}

std::optional<ClusterSpec> load_spec_file(const std::filesystem::path& file, Diagnostics& diagnostics) {
  std::error_code ignored;
  if (std::filesystem::is_directory(file, ignored)) {
    diagnostics.error(file.string(), {}, "cannot read the spec: it is a directory");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    diagnostics.error(file.string(), {}, "cannot read the spec: " + std::string(std::strerror(errno)));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_spec_text(text.str(), file, diagnostics);
}

}  // namespace pgdecl::spec
