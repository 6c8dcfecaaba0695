#include "engine/diff/differ.h"

namespace pgdecl::engine {
namespace {

std::string fill(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
    text.replace(at, key.size(), value);
  }
  return text;
}

std::string reason_for(const AttributeChange& change, const AttributeRule& rule) {
  const std::string before = change.before.value_or("(none)");
  const std::string after = change.after.value_or("(none)");
  if (!rule.reason_template.empty()) {
    return fill(fill(rule.reason_template, "{before}", before), "{after}", after);
  }
  return change.name + " changed";
}

bool matches(const std::string& desired, const std::optional<std::string>& live) {
  if (desired == kAnyValue) return true;
  return live && *live == desired;
}

std::vector<AttributeChange> compare(const Attributes& desired, const Attributes& live,
                                     const AttributeSchema& schema) {
  std::vector<AttributeChange> changes;
  for (const auto& [name, want] : desired) {
    auto found = live.find(name);
    std::optional<std::string> have;
    if (found != live.end()) have = found->second;
    if (matches(want, have)) continue;
    auto rule = schema.find(name);
    ChangeKind kind = rule == schema.end() ? ChangeKind::kUpdateInPlace : rule->second.kind;
    changes.push_back({name, have, want, kind});
  }
  return changes;
}

}  // namespace

PlannedChange diff_resource(const Address& address, const DesiredResource* desired, const LiveResource* live,
                            const AttributeSchema& schema) {
  PlannedChange change;
  change.address = address;
  if (live) change.before = *live;
  if (desired) change.after = *desired;

  if (!desired) {
    change.action = live ? Action::kDelete : Action::kNoOp;
    if (live) change.reasons.push_back("no longer in the spec");
    return change;
  }
  if (!live) {
    change.action = Action::kCreate;
    for (const auto& [name, value] : desired->attributes)
      change.changes.push_back({name, std::nullopt, value});
    return change;
  }

  change.changes = compare(desired->attributes, live->attributes, schema);
  for (const auto& attribute : change.changes) {
    auto rule = schema.find(attribute.name);
    change.reasons.push_back(reason_for(attribute, rule == schema.end() ? AttributeRule{} : rule->second));
    if (attribute.kind == ChangeKind::kReplace) change.action = Action::kReplace;
    if (attribute.kind == ChangeKind::kRestart) change.restart = true;
  }
  if (change.action != Action::kReplace && !change.changes.empty()) change.action = Action::kUpdate;
  return change;
}

}  // namespace pgdecl::engine
