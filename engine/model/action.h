#pragma once

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

inline const char* glyph(Action action) {
  switch (action) {
    case Action::kNoOp:
      return " ";
    case Action::kCreate:
      return "+";
    case Action::kUpdate:
      return "~";
    case Action::kReplace:
      return "-/+";
    case Action::kDelete:
      return "-";
    case Action::kForget:
      return ".";
  }
  return "?";
}

// Terraform's JSON words, so tooling written for it reads ours.
inline const char* json_name(Action action) {
  switch (action) {
    case Action::kNoOp:
      return "no-op";
    case Action::kCreate:
      return "create";
    case Action::kUpdate:
      return "update";
    case Action::kReplace:
      return "replace";
    case Action::kDelete:
      return "delete";
    case Action::kForget:
      return "forget";
  }
  return "unknown";
}

}  // namespace pgdecl::engine
