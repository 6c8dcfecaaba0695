#include <vector>

#include "cluster/spec/formats.h"
#include "cluster/spec/suggest.h"

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

// Tabs separate fields as blanks do; other control characters are refused.
std::string without_tabs(std::string line) {
  for (char& c : line) {
    if (c == '\t') c = ' ';
  }
  return line;
}

// A host line gives its address as CIDR or as an address followed by a mask.
std::size_t method_index(const std::vector<std::string>& fields) {
  if (fields[0] == "local") return 3;
  bool separate_mask = fields.size() > 4 && is_ip_address(fields[3]) && is_ip_address(fields[4]);
  return separate_mask ? 5 : 4;
}

// The address of a host line: a CIDR block is checked as a subnet is; an
// address alone needs its mask in the next field, as Postgres reads it.
// Names (all, samehost, samenet, host names) are the server's to resolve.
Check check_address(const std::vector<std::string>& fields) {
  const std::string& address = fields[3];
  const std::string head = "invalid address '" + printable(address) + "' in hba line: ";
  if (address.find('/') != std::string::npos) {
    std::string fix;
    if (auto problem = cidr_problem(address, fix)) {
      std::string hint = fix.empty() ? "" : " (a single host is written ADDRESS/32, or /128 for IPv6)";
      return Problem{head + *problem + hint, fix};
    }
    return std::nullopt;
  }
  if (!is_ip_address(address)) return std::nullopt;
  if (fields.size() > 4 && is_ip_address(fields[4])) {
    if (!is_netmask(fields[4]) || !same_family(address, fields[4])) {
      return Problem{"invalid mask '" + fields[4] + "' in hba line: expected ones then zeros, like " +
                         "255.255.255.0, of the address's family",
                     {}};
    }
    return std::nullopt;
  }
  std::string single = address.find(':') == std::string::npos ? "/32" : "/128";
  return Problem{head + "an IP address needs a /prefix or a mask", address + single};
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
  // Each item is one line of pg_hba.conf: a line break inside would write a
  // line the spec does not show.
  if (has_control_character(line.find('\t') == std::string::npos ? line : without_tabs(line))) {
    return Problem{
        "hba line holds a line break or another control character: each item of hba is one "
        "line of pg_hba.conf",
        {}};
  }
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
  if (type != "local") {
    if (auto problem = check_address(fields)) return problem;
  }
  return check_method(fields[index]);
}

Check check_hba_option_name(const std::string& name) {
  bool word = !name.empty() && name.size() <= 63;
  for (char c : name) word = word && ((c >= 'a' && c <= 'z') || c == '_');
  if (word) return std::nullopt;
  return Problem{"expected an hba option name (lower-case letters and _, like ldapbindpasswd), got '" +
                     printable(name) + "'",
                 {}};
}

bool hba_line_sets_option(const std::string& line, const std::string& option) {
  for (const auto& field : split_fields(line)) {
    if (field.rfind(option + "=", 0) == 0) return true;
  }
  return false;
}

}  // namespace pgdecl::spec
