#include "providers/docker/json_util.h"

namespace pgdecl::docker {

Result<Json> parse_json(std::string_view body, const std::string& what) {
  Json parsed = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    std::string excerpt(body.substr(0, 200));
    return Status::failed(what + ": Docker answered something that is not JSON: " + excerpt);
  }
  return parsed;
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json* json_member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string json_string(const Json& object, const char* key) {
  const Json* member = json_member(object, key);
  if (member == nullptr || !member->is_string()) return {};
  return member->get<std::string>();
}

long long json_int(const Json& object, const char* key, long long fallback) {
  const Json* member = json_member(object, key);
  if (member == nullptr || !member->is_number()) return fallback;
  return member->get<long long>();
}

bool json_bool(const Json& object, const char* key) {
  const Json* member = json_member(object, key);
  return member != nullptr && member->is_boolean() && member->get<bool>();
}

std::vector<std::string> json_keys(const Json& object, const char* key) {
  std::vector<std::string> keys;
  const Json* member = json_member(object, key);
  if (member == nullptr || !member->is_object()) return keys;
  for (auto it = member->begin(); it != member->end(); ++it) keys.push_back(it.key());
  return keys;
}

Labels json_labels(const Json& object, const char* key) {
  Labels labels;
  const Json* member = json_member(object, key);
  if (member == nullptr || !member->is_object()) return labels;
  for (auto it = member->begin(); it != member->end(); ++it) {
    if (it->is_string()) labels[it.key()] = it->get<std::string>();
  }
  return labels;
}

Json labels_to_json(const Labels& labels) {
  Json object = Json::object();
  for (const auto& [key, value] : labels) object[key] = value;
  return object;
}

Json strings_to_json(const std::vector<std::string>& values) {
  Json array = Json::array();
  for (const auto& value : values) array.push_back(value);
  return array;
}

}  // namespace pgdecl::docker
