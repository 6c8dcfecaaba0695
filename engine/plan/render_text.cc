#include <algorithm>
#include <sstream>
#include <vector>

#include "engine/plan/render.h"

namespace pgdecl::engine {
namespace {

struct Palette {
  bool on;
  std::string paint(const std::string& text, const char* code) const {
    return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
  }
};

std::string headline(const PlannedChange& change) {
  std::string what = change.address.to_string();
  switch (change.action) {
    case Action::kCreate:
      return what + " will be created";
    case Action::kUpdate:
      return what + (change.restart ? " will be updated in place (restart)" : " will be updated in place");
    case Action::kReplace:
      return what +
             (change.destroys_data ? " must be replaced, and the data in it is lost" : " must be replaced");
    case Action::kDelete:
      return what + (change.destroys_data ? " will be destroyed, and the data in it" : " will be destroyed");
    case Action::kForget:
      return what + " will no longer be managed (it is kept as it is)";
    case Action::kNoOp:
      break;
  }
  return what;
}

std::string quoted(const std::optional<std::string>& value) {
  if (!value) return "(none)";
  if (*value == kAnyValue) return "(known after apply)";
  return "\"" + *value + "\"";
}

std::vector<std::string> lines_of(const std::optional<std::string>& text) {
  std::vector<std::string> lines;
  if (!text) return lines;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool multi_line(const AttributeChange& a) {
  return (a.before && a.before->find('\n') != std::string::npos) ||
         (a.after && a.after->find('\n') != std::string::npos);
}

// A file-like value (pg_hba.conf) shown line by line: unchanged lines
// plain, removed ones with -, added ones with +, by longest common
// subsequence.
void render_lines(std::ostringstream& out, const AttributeChange& a, const Palette& palette) {
  auto before = lines_of(a.before), after = lines_of(a.after);
  std::vector<std::vector<int>> common(before.size() + 1, std::vector<int>(after.size() + 1, 0));
  for (std::size_t i = before.size(); i-- > 0;) {
    for (std::size_t j = after.size(); j-- > 0;) {
      common[i][j] =
          before[i] == after[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  out << "      " << palette.paint(a.before ? "~" : "+", a.before ? "33" : "32") << " " << a.name
      << " = <<EOT\n";
  std::size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    if (i < before.size() && j < after.size() && before[i] == after[j]) {
      out << "          " << before[i++] << "\n";
      ++j;
    } else if (j < after.size() && (i == before.size() || common[i][j + 1] >= common[i + 1][j])) {
      out << "        " << palette.paint("+ " + after[j++], "32") << "\n";
    } else {
      out << "        " << palette.paint("- " + before[i++], "31") << "\n";
    }
  }
  out << "        EOT\n";
}

void render_attributes(std::ostringstream& out, const PlannedChange& change, const Palette& palette) {
  std::size_t width = 0;
  for (const auto& a : change.changes) width = std::max(width, a.name.size());
  for (const auto& a : change.changes) {
    if (multi_line(a)) {
      render_lines(out, a, palette);
      continue;
    }
    std::string name = a.name + std::string(width - a.name.size(), ' ');
    if (!a.before) {
      out << "      " << palette.paint("+", "32") << " " << name << " = " << quoted(a.after) << "\n";
      continue;
    }
    out << "      " << palette.paint("~", "33") << " " << name << " = " << quoted(a.before) << " -> "
        << quoted(a.after);
    if (a.kind == ChangeKind::kReplace) out << " " << palette.paint("# forces replacement", "35");
    if (a.kind == ChangeKind::kRestart) out << " " << palette.paint("# restarts the server", "33");
    out << "\n";
  }
}

void render_change(std::ostringstream& out, const PlannedChange& change, const Palette& palette) {
  out << "  # " << headline(change) << "\n";
  for (const auto& reason : change.reasons) out << "  #   because " << reason << "\n";
  std::string glyph_text = glyph(change.action);
  out << std::string(3 - std::min<std::size_t>(3, glyph_text.size()), ' ')
      << palette.paint(glyph_text, words_of(change.action).colour) << " " << change.address.to_string()
      << "\n";
  if (change.action == Action::kCreate || change.action == Action::kUpdate ||
      change.action == Action::kReplace) {
    render_attributes(out, change, palette);
  }
  out << "\n";
}

}  // namespace

std::string render_not_ours(const Plan& plan) {
  if (plan.not_ours.empty()) return "";
  std::string text = "Not this cluster's, so destroy leaves it as it is:\n";
  for (const auto& object : plan.not_ours) text += "  " + object + "\n";
  return text;
}

std::string render_warnings(const Plan& plan) {
  std::string text;
  for (const auto& warning : plan.warnings) text += "Warning: " + warning + "\n";
  return text;
}

std::string render_plan_text(const Plan& plan, const RenderOptions& options) {
  Palette palette{options.color};
  std::ostringstream out;
  if (!plan.has_changes()) {
    out << "No changes. "
        << (plan.destroy ? "Nothing of cluster " + plan.cluster + " to destroy."
                         : "Cluster " + plan.cluster + " matches the spec.")
        << "\n"
        << render_not_ours(plan) << render_warnings(plan);
    return out.str();
  }
  out << "pgdecl will perform the following actions:\n\n";
  for (const auto& change : plan.changes) {
    if (change.is_change()) render_change(out, change, palette);
  }
  auto s = plan.summary();
  out << palette.paint("Plan:", "1") << " " << s.add << " to add, " << s.change << " to change, " << s.destroy
      << " to destroy.";
  if (s.forget > 0) out << " " << s.forget << " to stop managing (kept).";
  out << "\n";
  if (!plan.not_ours.empty()) out << "\n" << render_not_ours(plan);
  if (!plan.warnings.empty()) out << "\n" << render_warnings(plan);
  return out.str();
}

}  // namespace pgdecl::engine
