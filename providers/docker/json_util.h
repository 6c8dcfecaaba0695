#pragma once

// Private to providers/docker: nlohmann/json and its exceptions never leave
// this module. Readers are lenient (Docker writes null for empty maps and
// lists); anything that still throws is turned into a Status by guard_json.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "providers/docker/client.h"

namespace pgdecl::docker {

using Json = nlohmann::json;

// A body that is not JSON is an error that says what was being done.
Result<Json> parse_json(std::string_view body, const std::string& what);

// Serialises without throwing: invalid UTF-8 is replaced, not fatal.
std::string dump_json(const Json& value);

// The member, or nullptr when the object lacks it or it is null.
const Json* json_member(const Json& object, const char* key);
// The member's text; empty when absent or not a string.
std::string json_string(const Json& object, const char* key);
// The member's number; fallback when absent or not a number.
long long json_int(const Json& object, const char* key, long long fallback);
bool json_bool(const Json& object, const char* key);
// Keys of an object member ({"a":..,"b":..} -> [a, b]); empty when absent.
std::vector<std::string> json_keys(const Json& object, const char* key);
// A string-to-string map member (Labels); non-string values are skipped.
Labels json_labels(const Json& object, const char* key = "Labels");

Json labels_to_json(const Labels& labels);
Json strings_to_json(const std::vector<std::string>& values);

// Runs a decoder; a nlohmann exception (a shape we did not expect) becomes a
// failed Status naming what was being read, instead of escaping the module.
template <typename Fn>
auto guard_json(const std::string& what, Fn&& decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const nlohmann::json::exception& e) {
    return Status::failed(what + ": unexpected answer from Docker: " + e.what());
  }
}

}  // namespace pgdecl::docker
