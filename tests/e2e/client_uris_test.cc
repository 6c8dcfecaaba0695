// `pgdecl output`: URIs a client on the host connects with, over every
// node, that land on the node that takes writes (or on a replica for
// reading), checked through libpq itself, as any client's driver reads them.
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/replica_fixture.h"

using pgdecl::testing::ClusterFixture;

namespace {

// "<cluster_name> <in recovery: true|false>" of the server libpq reaches through
// `uri` as the superuser, or libpq's error.
std::string who_answers(const std::string& uri, const std::string& password) {
  const char* keys[] = {"dbname", "user", "password", "connect_timeout", nullptr};
  const char* values[] = {uri.c_str(), "postgres", password.c_str(), "5", nullptr};
  // expand_dbname: the URI gives hosts and target_session_attrs.
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  std::string answer;
  if (PQstatus(conn) != CONNECTION_OK) {
    answer = std::string("error: ") + PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, "select current_setting('cluster_name') || ' ' || pg_is_in_recovery()");
    answer = PQresultStatus(result) == PGRES_TUPLES_OK ? PQgetvalue(result, 0, 0) : PQerrorMessage(conn);
    PQclear(result);
  }
  PQfinish(conn);
  return answer;
}

std::string output(ClusterFixture& cluster, const std::string& name) {
  auto printed = cluster.run("output -f spec.yaml " + name);
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);
  REQUIRE(!printed.out.empty());
  return printed.out.substr(0, printed.out.find('\n'));
}

}  // namespace

TEST_CASE("output prints URIs that reach the node taking writes, and a replica for reading",
          "[e2e][docker][postgres][replica]") {
  ClusterFixture cluster("uris");
  cluster.write_spec(pgdecl::testing::replica_spec(cluster.name(), 1));
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string password = cluster.superuser_password();

  const std::string primary = output(cluster, "primary_uri");
  const std::string read_only = output(cluster, "read_only_uri");
  // Both nodes, wherever Docker published them, and no secret.
  const std::string master_at = "127.0.0.1:" + std::to_string(pgdecl::testing::node_port(cluster, "master"));
  const std::string replica_at =
      "127.0.0.1:" + std::to_string(pgdecl::testing::node_port(cluster, "replica1"));
  CHECK(primary ==
        "postgresql://" + master_at + "," + replica_at + "/postgres?target_session_attrs=read-write");
  CHECK(read_only ==
        "postgresql://" + replica_at + "," + master_at + "/postgres?target_session_attrs=prefer-standby");
  CHECK(primary.find(password) == std::string::npos);

  CHECK(who_answers(primary, password) == "master false");
  CHECK(who_answers(read_only, password) == "replica1 true");

  // The same, as Terraform's output -json shape, and every output by name.
  auto json = cluster.run("output -f spec.yaml --json");
  REQUIRE(json.exit_code == 0);
  auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed.at("primary_uri").at("value") == primary);
  CHECK(parsed.at("read_only_uri").at("value") == read_only);
  auto listed = cluster.run("output -f spec.yaml");
  CHECK(listed.out == "network_primary_host = \"" + cluster.name() + "-rw\"\nprimary_uri = \"" + primary +
                          "\"\nread_only_uri = \"" + read_only + "\"\n");
  CHECK(parsed.at("network_primary_host").at("value") == cluster.name() + "-rw");

  // With the master down, no host takes writes: libpq says so rather than
  // writing to a standby; reads still find the replica.
  REQUIRE(cluster.docker().stop_container(cluster.name() + "-master", 30));
  CHECK(who_answers(primary, password).find("error: ") == 0);
  CHECK(who_answers(output(cluster, "read_only_uri"), password) == "replica1 true");

  auto unknown = cluster.run("output -f spec.yaml nonsense");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("no output named nonsense (there are network_primary_host, primary_uri and "
                         "read_only_uri)") != std::string::npos);
}
