#pragma once

// JSON conversions of plan data, shared by the JSON renderer and the plan
// file. Private to engine/plan.
#include <nlohmann/json.hpp>

#include "engine/model/plan.h"

namespace pgdecl::engine {

nlohmann::json attributes_json(const Attributes& attributes);
Attributes attributes_from_json(const nlohmann::json& json);
std::vector<std::string> terraform_actions(Action action);

}  // namespace pgdecl::engine
