#include <yaml-cpp/eventhandler.h>

#include <sstream>

#include "cluster/spec/yaml_reader.h"

namespace pgdecl::spec {
namespace {

SourcePos to_pos(const YAML::Mark& mark) { return {mark.line + 1, mark.column + 1}; }

// Notes where each document starts, without building it.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> first;  // of the current document

  void OnDocumentStart(const YAML::Mark&) override { first.reset(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { note(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { note(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    note(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(mark);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& mark) {
    if (!first) first = mark;
  }
};

// yaml-cpp 0.7 never gets past a stray ',' at document level: it yields the
// same empty document again and again, and LoadAll() fills memory until it
// dies. So documents are counted here, and a parser that stops advancing is
// a syntax error at the place it is stuck.
bool check_documents(const std::string& text, Reporter& report) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  std::vector<YAML::Mark> documents;
  while (documents.size() < 100 && parser.HandleNextDocument(starts)) {
    YAML::Mark start = starts.first.value_or(YAML::Mark::null_mark());
    if (!documents.empty() && start.pos == documents.back().pos) {
      std::string found =
          start.pos >= 0 && start.pos < static_cast<int>(text.size()) ? text.substr(start.pos, 1) : "";
      report.error(to_pos(start), "invalid YAML: unexpected '" + found + "'");
      return false;
    }
    documents.push_back(start);
  }
  if (documents.empty()) {
    report.error({1, 1}, "the spec is empty: expected a map with version, name and master");
    return false;
  }
  if (documents.size() > 1) {
    report.error(to_pos(documents[1]),
                 "expected one YAML document, found " + std::to_string(documents.size()));
    return false;
  }
  return true;
}

}  // namespace

std::optional<YAML::Node> parse_document(const std::string& text, Reporter& report) {
  try {
    if (!check_documents(text, report)) return std::nullopt;
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    report.error(to_pos(e.mark), "invalid YAML: " + e.msg);
    return std::nullopt;
  }
}

}  // namespace pgdecl::spec
