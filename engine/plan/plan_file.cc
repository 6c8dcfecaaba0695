#include "engine/plan/plan_json.h"
#include "engine/plan/render.h"

namespace pgdecl::engine {
namespace {

constexpr int kPlanFileVersion = 1;

// A provider's details are JSON text already: stored as the object itself.
nlohmann::json details_json(const std::string& details) {
  if (details.empty()) return nullptr;
  auto parsed = nlohmann::json::parse(details, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

nlohmann::json change_json(const PlannedChange& change) {
  nlohmann::json attributes = nlohmann::json::array();
  for (const auto& a : change.changes) {
    attributes.push_back({{"name", a.name},
                          {"before", a.before ? nlohmann::json(*a.before) : nlohmann::json()},
                          {"after", a.after ? nlohmann::json(*a.after) : nlohmann::json()},
                          {"kind", static_cast<int>(a.kind)}});
  }
  nlohmann::json out = {{"address", change.address.to_string()},
                        {"action", json_name(change.action)},
                        {"reasons", change.reasons},
                        {"changes", attributes},
                        {"restart", change.restart},
                        {"destroys_data", change.destroys_data},
                        {"remakes_data", change.remakes_data}};
  if (change.before) {
    out["before"] = {{"id", change.before->id},
                     {"attributes", attributes_json(change.before->attributes)},
                     {"details", details_json(change.before->details)}};
  }
  if (change.after) {
    std::vector<std::string> deps;
    for (const auto& d : change.after->depends_on) deps.push_back(d.to_string());
    out["after"] = {{"attributes", attributes_json(change.after->attributes)}, {"depends_on", deps}};
  }
  return out;
}

Action action_from_name(const std::string& name) {
  for (const auto& words : kActionWords) {
    if (name == words.json) return words.action;
  }
  throw std::runtime_error("unknown action '" + name + "'");
}

std::optional<std::string> optional_text(const nlohmann::json& json) {
  if (json.is_null()) return std::nullopt;
  return json.get<std::string>();
}

Address address_of(const std::string& text) {
  auto address = Address::parse(text);
  if (!address) throw std::runtime_error("bad address '" + text + "'");
  return *address;
}

PlannedChange change_from_json(const nlohmann::json& json) {
  PlannedChange change;
  change.address = address_of(json.at("address").get<std::string>());
  change.action = action_from_name(json.at("action").get<std::string>());
  change.reasons = json.at("reasons").get<std::vector<std::string>>();
  for (const auto& a : json.at("changes")) {
    change.changes.push_back({a.at("name").get<std::string>(), optional_text(a.at("before")),
                              optional_text(a.at("after")),
                              static_cast<ChangeKind>(a.at("kind").get<int>())});
  }
  change.restart = json.at("restart").get<bool>();
  change.destroys_data = json.at("destroys_data").get<bool>();
  change.remakes_data = json.value("remakes_data", false);
  if (json.contains("before")) {
    const auto& b = json["before"];
    // Files written before details existed hold "meta" instead: a plan
    // made from them is only compared with a fresh one, which has its own.
    const auto details = b.value("details", nlohmann::json());
    change.before = LiveResource{b.at("id").get<std::string>(), attributes_from_json(b.at("attributes")),
                                 details.is_null() ? "" : details.dump()};
  }
  if (json.contains("after")) {
    DesiredResource after{change.address, attributes_from_json(json["after"].at("attributes")), {}};
    for (const auto& d : json["after"].at("depends_on"))
      after.depends_on.push_back(address_of(d.get<std::string>()));
    change.after = std::move(after);
  }
  return change;
}

}  // namespace

std::string serialize_plan_file(const PlanFile& file) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& change : file.plan.changes) changes.push_back(change_json(change));
  nlohmann::json out = {{"pgdecl_plan_version", kPlanFileVersion},
                        {"pgdecl_version", PGDECL_VERSION},
                        {"spec_path", file.spec_path},
                        {"spec_sha256", file.spec_sha256},
                        {"cluster", file.plan.cluster},
                        {"lineage", file.plan.lineage},
                        {"state_serial", file.plan.state_serial},
                        {"destroy", file.plan.destroy},
                        {"purge_volumes", file.plan.purge_volumes},
                        {"targets", file.plan.targets},
                        {"replace", file.plan.replace},
                        {"dependencies", file.plan.dependencies},
                        {"order", file.plan.order},
                        {"batches", file.plan.batches},
                        {"changes", changes}};
  return out.dump(2) + "\n";
}

Result<PlanFile> parse_plan_file(const std::string& text, const std::string& name_for_errors) {
  try {
    auto json = nlohmann::json::parse(text);
    if (json.value("pgdecl_plan_version", 0) != kPlanFileVersion) {
      return Status::invalid_argument(name_for_errors + " is not a pgdecl plan file of version " +
                                      std::to_string(kPlanFileVersion));
    }
    PlanFile file;
    file.spec_path = json.at("spec_path").get<std::string>();
    file.spec_sha256 = json.at("spec_sha256").get<std::string>();
    file.plan.cluster = json.at("cluster").get<std::string>();
    file.plan.lineage = json.at("lineage").get<std::string>();
    file.plan.state_serial = json.at("state_serial").get<std::int64_t>();
    file.plan.destroy = json.at("destroy").get<bool>();
    // Absent from files written before the flag existed, which had no way to purge.
    file.plan.purge_volumes = json.value("purge_volumes", false);
    file.plan.targets = json.value("targets", std::vector<std::string>{});
    file.plan.replace = json.value("replace", std::vector<std::string>{});
    file.plan.dependencies = json.at("dependencies").get<std::map<std::string, std::vector<std::string>>>();
    file.plan.order = json.value("order", std::map<std::string, std::vector<std::string>>{});
    file.plan.batches = json.value("batches", std::vector<std::vector<std::string>>{});
    for (const auto& change : json.at("changes")) file.plan.changes.push_back(change_from_json(change));
    return file;
  } catch (const std::exception& e) {
    return Status::invalid_argument(name_for_errors + ": not a readable plan file: " + e.what());
  }
}

}  // namespace pgdecl::engine
