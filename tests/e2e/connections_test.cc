// pgdecl talks to each server through one connection per run, named
// `pgdecl`, however many roles, databases and settings it reads or changes.
#include <catch2/catch.hpp>
#include <sstream>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::run_command;
using pgdecl::testing::spec_text;

namespace {

// The server's log, as Docker keeps it.
std::vector<std::string> server_log(ClusterFixture& cluster) {
  auto logs = run_command("docker logs " + cluster.name() + "-master 2>&1");
  REQUIRE(logs.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(logs.out + logs.err);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The connections the server let in after the first `from` lines of its log.
std::vector<std::string> connections_since(ClusterFixture& cluster, std::size_t from) {
  std::vector<std::string> authorized;
  auto lines = server_log(cluster);
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (lines[i].find("connection authorized:") != std::string::npos) authorized.push_back(lines[i]);
  }
  return authorized;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  return all;
}

}  // namespace

TEST_CASE("one connection per node per run, named pgdecl, whatever the number of resources",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("connections");
  std::string spec = spec_text(cluster.name()) +
                     "roles:\n  - name: one\n    login: true\n  - name: two\n    createdb: true\n"
                     "  - name: three\n    member_of: [one]\n"
                     "databases:\n  - name: first\n    owner: one\n  - name: second\n    owner: two\n";
  spec.replace(spec.find("    work_mem: 8MB\n"), 18, "    work_mem: 8MB\n    log_connections: 'on'\n");
  cluster.write_spec(spec);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);

  std::size_t mark = server_log(cluster).size();
  REQUIRE(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  auto planned = connections_since(cluster, mark);
  INFO("plan:\n" << joined(planned));
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].find("user=postgres") != std::string::npos);
  CHECK(planned[0].find("application_name=pgdecl") != std::string::npos);

  // Three roles and a database to put back, and a setting: still one.
  {
    auto c = cluster.connect();
    REQUIRE(c->execute("alter role one nologin"));
    REQUIRE(c->execute("alter role two nocreatedb"));
    REQUIRE(c->execute("revoke one from three"));
    REQUIRE(c->execute("alter database second owner to one"));
    REQUIRE(c->execute("alter system set work_mem = '1MB'"));
    REQUIRE(c->execute("select pg_reload_conf()"));
  }
  mark = server_log(cluster).size();
  auto repaired = cluster.run("apply -f spec.yaml --auto-approve");
  REQUIRE(repaired.exit_code == 0);
  REQUIRE(repaired.out.find("0 added, 5 changed, 0 destroyed") != std::string::npos);
  auto applied = connections_since(cluster, mark);
  INFO("apply:\n" << joined(applied));
  REQUIRE(applied.size() == 1);
  CHECK(applied[0].find("application_name=pgdecl") != std::string::npos);
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}
