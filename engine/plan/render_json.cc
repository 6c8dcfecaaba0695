#include "engine/plan/plan_json.h"
#include "engine/plan/render.h"

namespace pgdecl::engine {

nlohmann::json attributes_json(const Attributes& attributes) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : attributes) out[name] = value;
  return out;
}

Attributes attributes_from_json(const nlohmann::json& json) {
  Attributes out;
  for (const auto& [name, value] : json.items()) out[name] = value.get<std::string>();
  return out;
}

std::vector<std::string> terraform_actions(Action action) {
  if (action == Action::kReplace) return {"delete", "create"};
  return {json_name(action)};
}

std::string render_plan_json(const Plan& plan) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& change : plan.changes) {
    nlohmann::json entry = {
        {"address", change.address.to_string()},
        {"type", change.address.type},
        {"name", change.address.name},
        {"change",
         {{"actions", terraform_actions(change.action)},
          {"before", change.before ? attributes_json(change.before->attributes) : nlohmann::json()},
          {"after", change.after ? attributes_json(change.after->attributes) : nlohmann::json()}}},
    };
    if (!change.reasons.empty()) entry["action_reason"] = change.reasons;
    if (change.restart) entry["restart"] = true;
    if (change.destroys_data) entry["destroys_data"] = true;
    changes.push_back(std::move(entry));
  }
  auto s = plan.summary();
  nlohmann::json out = {
      {"format_version", "1.2"},
      {"pgdecl_version", PGDECL_VERSION},
      {"cluster", plan.cluster},
      {"resource_changes", changes},
      {"summary", {{"add", s.add}, {"change", s.change}, {"destroy", s.destroy}, {"forget", s.forget}}},
  };
  // What a destroy leaves because it is not this cluster's, as the text
  // plan names it.
  if (!plan.not_ours.empty()) out["not_ours"] = plan.not_ours;
  if (!plan.warnings.empty()) out["warnings"] = plan.warnings;
  return out.dump(2) + "\n";
}

}  // namespace pgdecl::engine
