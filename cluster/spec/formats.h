#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "cluster/spec/model.h"

// Private to cluster/spec: checks of single values, independent of YAML, so
// each rule is tested on its own and the readers stay short.

namespace pgdecl::spec {

// What is wrong with a value, and the value the user likely meant, if any.
struct Problem {
  std::string message;
  std::string suggestion;
};
using Check = std::optional<Problem>;

// The longest value a pattern is matched against (see formats.cc).
inline constexpr std::size_t kMaxMatchedLength = 1024;

Check check_cluster_name(const std::string& name);
// Docker object names (volumes, network, nodes, images): `kind` goes in the message.
Check check_object_name(const std::string& kind, const std::string& name);
// Role and database names: any text Postgres can hold, since they are always
// quoted when used.
Check check_sql_name(const std::string& kind, const std::string& name);
Check check_parameter_name(const std::string& name);
Check check_subnet(const std::string& cidr);
// ADDRESS/PREFIX, IPv4 or IPv6, with the prefix in range and no host bits
// set; the problem alone ("host bits are set"), `fix` gets the network's
// own address when that is the likely intent.
std::optional<std::string> cidr_problem(const std::string& cidr, std::string& fix);
// A mask written as an address (255.255.255.0): ones, then zeros.
bool is_netmask(const std::string& mask);
bool same_family(const std::string& a, const std::string& b);
// `text` for a message: control characters as \n or \xNN, so a
// diagnostic stays on one line.
std::string printable(const std::string& text);
// Well-formed UTF-8: no stray continuation bytes, overlong forms,
// surrogates or code points past U+10FFFF.
bool is_utf8(std::string_view text);
// Any byte below 0x20 (line breaks, tabs, NUL) or DEL.
bool has_control_character(const std::string& text);
// A Docker image reference: [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST]
// (image_ref.cc).
Check check_image_tag(const std::string& reference);
// The replication slot pgdecl makes for a replica, pgdecl_<replica>, as
// PostgreSQL accepts it: lower-case letters, digits and '_', 63 bytes at most.
Check check_slot_name(const std::string& replica);
Check check_docker_host(const std::string& host);
Check check_hba_line(const std::string& line);
// hba options whose value is a secret.
inline constexpr const char* kHbaSecretOptions[] = {"ldapbindpasswd", "radiussecrets"};
// An option name under an hba line's `secrets`: lower-case letters and `_`.
Check check_hba_option_name(const std::string& name);
// The line sets `option=` among its fields.
bool hba_line_sets_option(const std::string& line, const std::string& option);
Check check_env_name(const std::string& name);
Check check_scram_verifier(const std::string& verifier);
// A role's valid_until: infinity, or an ISO date with an optional time and
// zone. Narrower than what PostgreSQL reads, so that a typo is caught here,
// with its place in the spec, rather than by the server half-way through.
Check check_valid_until(const std::string& text);

bool is_ip_address(const std::string& text);
// "127.0.0.1:5432" or "[::1]:5432".
std::variant<PublishSpec, Problem> parse_publish(const std::string& text);

}  // namespace pgdecl::spec
