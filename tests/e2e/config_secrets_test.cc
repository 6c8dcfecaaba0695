// Secrets given as references in parameters (an archive_command holding a
// key) and in hba options (ldapbindpasswd): the server reads them, and no
// plan, plan file, JSON, state, `show` or server log shows them.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <sstream>

#include "tests/e2e/replica_fixture.h"

using namespace pgdecl;
using namespace pgdecl::testing;

namespace {

constexpr const char* kArchiveVariable = "PGDECL_TEST_ARCHIVE_COMMAND";
constexpr const char* kAppPasswordVariable = "PGDECL_TEST_APP_PASSWORD";
// With archive_mode off, SHOW says "(disabled)": what the server read from
// its files.
constexpr const char* kArchiveCommandRead =
    "select setting from pg_file_settings where name = 'archive_command' and applied";

std::string random_word(const std::string& prefix) {
  std::random_device device;
  return prefix + std::to_string(device()) + std::to_string(device());
}

// The fixture's 1+1 spec with every statement logged by the servers, an
// archive_command from the environment and an LDAP line whose bind password
// comes from a file. The LDAP line matches only TEST-NET-1, so nothing ever
// asks the (unresolvable) LDAP server anything.
std::string secrets_spec(const std::string& cluster) {
  std::string spec = replica_spec(cluster, 1);
  const std::string parameters = "    max_connections: 50\n    work_mem: 8MB\n";
  spec.replace(
      spec.find(parameters), parameters.size(),
      parameters + "    log_statement: all\n    archive_command: { env: " + kArchiveVariable + " }\n");
  const std::string hba = "    - host all all samenet scram-sha-256\n";
  spec.replace(spec.find(hba), hba.size(),
               hba +
                   "    - line: host all ldap_users 192.0.2.0/24 ldap ldapserver=ldap.invalid "
                   "ldapbasedn=\"dc=example,dc=org\" ldapbinddn=\"cn=pgdecl,dc=example,dc=org\"\n"
                   "      secrets:\n        ldapbindpasswd: { file: ldap.password }\n");
  return spec + "  - name: app\n    login: true\n    password: { env: " + kAppPasswordVariable + " }\n";
}

void write_secret_file(ClusterFixture& cluster, const std::string& value) {
  const auto file = cluster.dir() / "ldap.password";
  std::ofstream(file) << value << "\n";
  std::filesystem::permissions(file,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// Everything pgdecl keeps beside the spec (state, secrets file, plan files)
// and what the nodes' servers logged.
std::string everything_kept(ClusterFixture& cluster) {
  std::string kept;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(cluster.dir())) {
    if (entry.is_regular_file() && entry.path().filename() != "ldap.password") kept += slurp(entry.path());
  }
  for (const char* node : {"master", "replica1"}) {
    std::istringstream log(run_command("docker logs " + cluster.name() + "-" + node).out);
    // PostgreSQL itself logs each parameter a reload changes, with its new
    // value, at level LOG (the contract says so): not a statement of
    // pgdecl's.
    for (std::string line; std::getline(log, line);) {
      if (!contains(line, "LOG:  parameter \"archive_command\" changed to")) kept += line + "\n";
    }
  }
  return kept;
}

// Both nodes' servers read these values from their files.
void check_servers_hold(ClusterFixture& cluster, const std::string& archive_command,
                        const std::string& ldap_password) {
  for (const char* node : {"master", "replica1"}) {
    INFO(node);
    auto c = connect_node(cluster, node);
    CHECK(scalar(*c, kArchiveCommandRead) == archive_command);
    CHECK(scalar(*c, "show log_statement") == "all");
    CHECK(contains(scalar(*c, "select pg_read_file('pg_hba.conf')"),
                   "ldapbindpasswd=\"" + ldap_password + "\""));
    CHECK(scalar(*c, "select count(*) from pg_hba_file_rules where error is not null") == "0");
  }
}

}  // namespace

TEST_CASE("secrets in parameters and hba options reach the servers and are shown nowhere",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("cfg-secrets");
  const std::string archive_key = random_word("archive-key-"), ldap_password = random_word("ldap-bind-");
  ::setenv(kArchiveVariable, ("/bin/true " + archive_key).c_str(), 1);
  ::setenv(kAppPasswordVariable, random_word("app-").c_str(), 1);
  write_secret_file(cluster, ldap_password);
  cluster.write_spec(secrets_spec(cluster.name()));

  auto planned = run_pgdecl(cluster.dir(), "plan -f spec.yaml --out first.plan");
  INFO(planned.out << planned.err);
  REQUIRE(planned.exit_code == 0);
  CHECK(contains(planned.out, "archive_command = \"(sensitive value)\""));
  CHECK(contains(planned.out, "ldapbindpasswd=\"(sensitive value)\""));
  auto applied = run_pgdecl(cluster.dir(), "apply first.plan");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);

  // The copy's first settings and the checked path carry them.
  check_servers_hold(cluster, "/bin/true " + archive_key, ldap_password);
  auto calm = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode");
  INFO(calm.out << calm.err);
  CHECK(calm.exit_code == 0);

  // New values while every statement is logged: the writes that carry them
  // are not.
  const std::string new_key = random_word("archive-key-"), new_password = random_word("ldap-bind-");
  ::setenv(kArchiveVariable, ("/bin/true " + new_key).c_str(), 1);
  write_secret_file(cluster, new_password);
  auto changed = run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode --out second.plan");
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 2);
  CHECK(contains(changed.out, "~ archive_command = \"(a different value)\" -> \"(sensitive value)\""));
  CHECK(contains(changed.out, "ldapbindpasswd=\"(a different value)\""));
  auto json = run_pgdecl(cluster.dir(), "plan -f spec.yaml --json");
  INFO(json.err);
  CHECK(json.exit_code == 0);
  CHECK(contains(json.out, "(a different value)"));
  auto reapplied = run_pgdecl(cluster.dir(), "apply second.plan");
  INFO(reapplied.out << reapplied.err);
  REQUIRE(reapplied.exit_code == 0);
  check_servers_hold(cluster, "/bin/true " + new_key, new_password);
  auto shown = run_pgdecl(cluster.dir(), "show -f spec.yaml --json");
  INFO(shown.out << shown.err);
  auto status = run_pgdecl(cluster.dir(), "status -f spec.yaml");

  const std::string outputs = planned.out + planned.err + applied.out + applied.err + calm.out + changed.out +
                              changed.err + json.out + reapplied.out + reapplied.err + shown.out +
                              status.out + everything_kept(cluster);
  CHECK(contains(shown.out, "(sensitive value)"));
  // A server log that holds the secrets would show this test works on
  // logs at all: the statements pgdecl runs are in them.
  CHECK(contains(outputs, "pg_reload_conf"));
  for (const auto& secret : {archive_key, ldap_password, new_key, new_password}) {
    const auto at = outputs.find(secret);
    INFO("secret: " << secret << " in: "
                    << (at == std::string::npos ? "" : outputs.substr(at < 300 ? 0 : at - 300, 400)));
    CHECK(at == std::string::npos);
  }

  // A destroy needs no secret: without the variables it still tears the
  // cluster down, and shows nothing of what the servers held.
  ::unsetenv(kArchiveVariable);
  ::unsetenv(kAppPasswordVariable);
  auto destroyed = run_pgdecl(cluster.dir(), "destroy -f spec.yaml --auto-approve");
  INFO(destroyed.out << destroyed.err);
  CHECK(destroyed.exit_code == 0);
  CHECK(run_command("docker inspect " + cluster.name() + "-master").exit_code != 0);
  for (const auto& secret : {new_key, new_password})
    CHECK_FALSE(contains(destroyed.out + destroyed.err, secret));
}

TEST_CASE("a secret a config file cannot hold is refused before anything is touched",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("cfg-secret-bad");
  ::setenv(kArchiveVariable, "/bin/true", 1);
  ::setenv(kAppPasswordVariable, "app-password", 1);
  write_secret_file(cluster, "has\"quote");
  cluster.write_spec(secrets_spec(cluster.name()));
  auto refused = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code != 0);
  CHECK(contains(refused.err, "the secret holds a double quote, which pg_hba.conf cannot hold in an option"));
  CHECK(contains(refused.err, "spec.yaml:"));
  CHECK_FALSE(contains(refused.out + refused.err, "has\"quote"));
  CHECK(run_command("docker inspect " + cluster.name() + "-master").exit_code != 0);
  ::unsetenv(kArchiveVariable);
  ::unsetenv(kAppPasswordVariable);
}
