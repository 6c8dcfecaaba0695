#pragma once

#include <optional>
#include <string>
#include <variant>

#include "engine/spec/model.h"

// Private to engine/spec: checks of single values, independent of YAML, so
// each rule is tested on its own and the readers stay short.

namespace pgdecl::spec {

// What is wrong with a value, and the value the user likely meant, if any.
struct Problem {
  std::string message;
  std::string suggestion;
};
using Check = std::optional<Problem>;

Check check_cluster_name(const std::string& name);
// Docker object names (volumes, network, nodes, images): `kind` goes in the message.
Check check_object_name(const std::string& kind, const std::string& name);
// Role and database names: any text Postgres can hold, since they are always
// quoted when used.
Check check_sql_name(const std::string& kind, const std::string& name);
Check check_parameter_name(const std::string& name);
Check check_subnet(const std::string& cidr);
Check check_docker_host(const std::string& host);
Check check_hba_line(const std::string& line);
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
