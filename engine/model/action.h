#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace pgdecl::engine {

// What a plan does to one resource. `before` is the live object (empty for
// kCreate), `after` is the desired one (empty for kDelete and kForget).
enum class Action {
  kNoOp,
  kCreate,   // +   not there: make it
  kUpdate,   // ~   there, differs: change it in place
  kReplace,  // -/+ there, differs in a way that needs a new object
  kDelete,   // -   there, no longer wanted: remove it
  kForget,   // .   removed from the spec: stop managing, leave it as it is
};

// How each action is written: its plan glyph, Terraform's JSON word (so
// tooling written for Terraform reads pgdecl's), the word apply's progress
// uses, and its colour (an ANSI code) in a plan shown on a terminal.
struct ActionWords {
  Action action;
  const char* glyph;
  const char* json;
  const char* progress;
  const char* colour;
};

inline constexpr std::array<ActionWords, 6> kActionWords = {{
    {Action::kNoOp, " ", "no-op", "Checking", "0"},
    {Action::kCreate, "+", "create", "Creating", "32"},
    {Action::kUpdate, "~", "update", "Modifying", "33"},
    {Action::kReplace, "-/+", "replace", "Replacing", "35"},
    {Action::kDelete, "-", "delete", "Destroying", "31"},
    {Action::kForget, ".", "forget", "Forgetting", "0"},
}};

inline const ActionWords& words_of(Action action) {
  return kActionWords.at(static_cast<std::size_t>(action));
}
inline const char* glyph(Action action) { return words_of(action).glyph; }
inline const char* json_name(Action action) { return words_of(action).json; }

}  // namespace pgdecl::engine
