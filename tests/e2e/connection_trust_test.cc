// pgdecl talks only to the node it manages, and only the way it set it up:
// a server that does not ask for SCRAM-SHA-256 never receives the password.
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::contains;
using pgdecl::testing::on_master;
using pgdecl::testing::run_command;
using pgdecl::testing::scalar;
using pgdecl::testing::with_parameters;

namespace {

// Reloads through a signal: pgdecl's own connection is what the test takes away.
void reload_by_signal(ClusterFixture& cluster) {
  on_master(cluster, "kill -HUP $(head -1 postmaster.pid)");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

std::string server_log(ClusterFixture& cluster) {
  return run_command("docker logs " + cluster.name() + "-master").out;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++found;
  return found;
}

}  // namespace

TEST_CASE("a server that asks for trust, md5 or a clear-text password is refused before the password is sent",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("auth-refused");
  cluster.write_spec(
      with_parameters(cluster.name(), "    max_connections: 50\n    log_connections: \"on\"\n"));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string address = "127.0.0.1:" + std::to_string(cluster.published_port());
  const std::string scram_verifier =
      scalar(*cluster.connect(), "select rolpassword from pg_authid where rolname = 'postgres'");
  // The server asks for md5 only when the password is stored as md5 (it
  // uses SCRAM for one stored as SCRAM), so md5 comes last, stored so.
  const std::pair<const char*, const char*> methods[] = {{"trust", "no password at all (trust)"},
                                                         {"password", "a clear-text password (password)"},
                                                         {"md5", "an MD5 hash of the password (md5)"}};
  for (const auto& [method, words] : methods) {
    INFO(method);
    if (std::string(method) == "md5") {
      auto c = cluster.connect();
      REQUIRE(c->execute("set password_encryption = 'md5'"));
      REQUIRE(c->execute("alter role postgres password " + c->escape_literal(cluster.superuser_password())));
    }
    // Ahead of pgdecl's own rule for the superuser, so it is the one that matches.
    on_master(cluster, std::string("sed -i \"1i host all postgres all ") + method + "\" pg_hba.conf");
    reload_by_signal(cluster);
    const std::string before = server_log(cluster);

    auto planned = cluster.run("plan -f spec.yaml --detailed-exitcode");
    CHECK(planned.exit_code == 1);
    CHECK(contains(planned.err, "node master: the server at " + address + " asked for " + words +
                                    " instead of SCRAM-SHA-256; pgdecl did not send the password"));
    auto status = cluster.run("status -f spec.yaml");
    CHECK(status.exit_code == 3);
    CHECK(contains(status.out, std::string("asked for ") + words));

    // The server authorises a trust session before the client says a
    // word; a password or md5 session it would log only once the client
    // answered, and a wrong answer as a failure: pgdecl gave none.
    const std::string after = server_log(cluster);
    if (std::string(method) != "trust") {
      CHECK(count(after, "application_name=pgdecl") == count(before, "application_name=pgdecl"));
      CHECK(count(after, "password authentication failed") ==
            count(before, "password authentication failed"));
      CHECK(count(after, "method=" + std::string(method)) == 0);
    }
    on_master(cluster, "sed -i 1d pg_hba.conf");
    reload_by_signal(cluster);
  }
  // The superuser's password as it was, through the local socket (peer).
  std::ofstream(cluster.dir() / "restore.sql")
      << "alter role postgres password '" << scram_verifier << "';\n";
  auto restored =
      run_command("docker exec -i -u postgres " + cluster.name() +
                  "-master /usr/lib/postgresql/15/bin/psql -h /var/run/postgresql -v ON_ERROR_STOP=1 <'" +
                  (cluster.dir() / "restore.sql").string() + "'");
  INFO(restored.out);
  REQUIRE(restored.exit_code == 0);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
