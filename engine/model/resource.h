#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/address.h"

namespace pgdecl::engine {

// Attributes are flat name → text pairs: what the differ compares, what the
// state records and what plans show. They never hold a secret.
using Attributes = std::map<std::string, std::string>;

// A desired value that matches whatever is live (a port Docker picks).
inline constexpr const char* kAnyValue = "(any)";

// What the spec asks for, for one resource.
struct DesiredResource {
  Address address;
  Attributes attributes;
  std::vector<Address> depends_on;
};

// What exists now. `details` is what the provider learnt beyond the
// attributes (a parameter's unit, whether a slot lost its WAL), for its own
// plan() to use; it is neither compared nor recorded in the state. It is
// the provider's own typed record, kept as JSON text so that a saved plan
// holds it: engine/model/details.h writes and reads it.
struct LiveResource {
  std::string id;
  Attributes attributes;
  std::string details = {};
};

// How a change to one attribute is carried out.
enum class ChangeKind {
  kUpdateInPlace,
  kRestart,  // in place, but the node restarts
  kReplace,  // the object is destroyed and made again
};

struct AttributeRule {
  ChangeKind kind = ChangeKind::kUpdateInPlace;
  // What the change means to a user; "{before}" and "{after}" are filled
  // in. Empty: "<name> changed".
  std::string reason_template;
};

// Per resource type: how each attribute's change is handled. Attributes not
// listed are updated in place.
using AttributeSchema = std::map<std::string, AttributeRule>;

}  // namespace pgdecl::engine
