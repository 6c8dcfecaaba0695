#include <vector>

#include "engine/spec/formats.h"
#include "engine/spec/suggest.h"

namespace pgdecl::spec {
namespace {

const std::vector<std::string> kConnectionTypes = {"host",      "local",      "hostssl",
                                                   "hostnossl", "hostgssenc", "hostnogssenc"};
const std::vector<std::string> kMethods = {"scram-sha-256", "md5",    "trust", "reject", "password",
                                           "peer",          "ident",  "cert",  "gss",    "sspi",
                                           "ldap",          "radius", "pam",   "bsd"};

// Splits like Postgres does: blanks separate fields, double quotes keep
// blanks inside one, and '#' outside quotes starts a comment.
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string current;
  bool quoted = false, in_field = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '#') {
      break;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (in_field) fields.push_back(current);
      current.clear();
      in_field = false;
      continue;
    } else {
      current += c;
    }
    in_field = true;
  }
  if (in_field) fields.push_back(current);
  return fields;
}

// A host line gives its address as CIDR or as an address followed by a mask.
std::size_t method_index(const std::vector<std::string>& fields) {
  if (fields[0] == "local") return 3;
  bool separate_mask = fields.size() > 4 && is_ip_address(fields[3]) && is_ip_address(fields[4]);
  return separate_mask ? 5 : 4;
}

Check check_method(const std::string& method) {
  for (const auto& m : kMethods) {
    if (m == method) return std::nullopt;
  }
  return Problem{"unknown authentication method '" + method + "' in hba line",
                 closest_match(method, kMethods)};
}

}  // namespace

Check check_hba_line(const std::string& line) {
  std::vector<std::string> fields = split_fields(line);
  if (fields.empty()) return Problem{"empty hba line", {}};
  const std::string& type = fields[0];
  bool known = false;
  for (const auto& t : kConnectionTypes) known = known || t == type;
  if (!known) {
    return Problem{"unknown connection type '" + type +
                       "' in hba line: expected local, host, hostssl, hostnossl, hostgssenc or hostnogssenc",
                   closest_match(type, kConnectionTypes)};
  }
  std::size_t index = method_index(fields);
  if (fields.size() <= index) {
    std::string shape =
        type == "local" ? "local DATABASE USER METHOD" : type + " DATABASE USER ADDRESS METHOD";
    return Problem{"too few fields in hba line: expected '" + shape + "'", {}};
  }
  return check_method(fields[index]);
}

}  // namespace pgdecl::spec
