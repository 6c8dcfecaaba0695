#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/model/action.h"
#include "engine/model/resource.h"

namespace pgdecl::engine {

struct AttributeChange {
  std::string name;
  std::optional<std::string> before;  // nullopt: not there
  std::optional<std::string> after;
  ChangeKind kind = ChangeKind::kUpdateInPlace;
};

// The intent for one resource: plain data, carried out later by its provider.
struct PlannedChange {
  Address address;
  Action action = Action::kNoOp;
  std::vector<std::string> reasons;  // why, in words users read
  std::vector<AttributeChange> changes;
  std::optional<LiveResource> before;
  std::optional<DesiredResource> after;
  bool restart = false;        // an in-place change that restarts the node
  bool destroys_data = false;  // a delete that loses user data
  // An update that makes the object's data anew (a replica copied again):
  // what lives in that data is applied again, as after a replacement.
  bool remakes_data = false;

  bool is_change() const { return action != Action::kNoOp; }
};

}  // namespace pgdecl::engine
