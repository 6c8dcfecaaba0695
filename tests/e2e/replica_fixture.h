#pragma once

// A master with replicas, for the end-to-end tests of replication.
#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/cluster_fixture.h"

namespace pgdecl::testing {

// The fixture's spec with `count` replicas replica1..N, each on its own
// volume, streaming through a slot as the replicator role.
inline std::string replica_spec(const std::string& cluster, int count) {
  std::string spec = spec_text(cluster);
  std::string volumes, replicas;
  for (int i = 1; i <= count; ++i) {
    const std::string n = std::to_string(i);
    volumes += "  replica" + n + "_data: {}\n";
    replicas += "  - name: replica" + n + "\n    volume: replica" + n + "_data\n    publish: 127.0.0.1:0\n";
  }
  spec.replace(spec.find("  data: {}\n"), 11, "  data: {}\n" + volumes);
  if (count > 0) spec += "replicas:\n" + replicas;
  return spec +
         "replication:\n  user: replicator\n"
         "roles:\n  - name: replicator\n    login: true\n    replication: true\n"
         "    password: { generate: true }\n";
}

// The same, where a commit is acknowledged once a replica has it.
inline std::string synchronous_replica_spec(const std::string& cluster, int count) {
  std::string spec = replica_spec(cluster, count);
  const std::string parameters = "    work_mem: 8MB\n";
  spec.replace(spec.find(parameters), parameters.size(),
               parameters + "    synchronous_standby_names: 'ANY 1 (*)'\n");
  return spec;
}

inline int node_port(ClusterFixture& cluster, const std::string& node) {
  auto c = cluster.docker().inspect_container(cluster.name() + "-" + node);
  REQUIRE(c);
  REQUIRE(c->has_value());
  REQUIRE((*c)->published);
  return (*c)->published->host_port;
}

inline std::unique_ptr<pg::Connection> connect_node(ClusterFixture& cluster, const std::string& node) {
  auto conn = pg::Connection::open_with_retry({"127.0.0.1", node_port(cluster, node), "postgres", "postgres"},
                                              Secret(cluster.superuser_password()),
                                              pg::Clock::now() + std::chrono::seconds(30));
  INFO(conn.status().message());
  REQUIRE(conn);
  return std::move(*conn);
}

// Replication is asynchronous: a row written on the master shows on a
// replica shortly after. Polls; the answer, or "(not there)".
inline std::string eventually(pg::Connection& c, const std::string& sql) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string last = "(not there)";
  while (std::chrono::steady_clock::now() < deadline) {
    auto rows = c.query(sql);
    if (rows && rows->rows.size() == 1 && rows->rows[0][0]) return *rows->rows[0][0];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

// What <cluster>-rw resolves to inside the cluster's network, asked from
// `from`'s container ("" when it resolves to nothing), and each node's own
// address there, to compare with.
inline std::string resolved_in_network(ClusterFixture& cluster, const std::string& from,
                                       const std::string& name) {
  auto found = run_command("docker exec " + cluster.name() + "-" + from + " getent ahostsv4 " + name +
                           " | awk '{print $1}' | sort -u | tr '\\n' ' '");
  return found.exit_code == 0 ? found.out : "";
}

inline std::string read_write_alias_target(ClusterFixture& cluster, const std::string& from) {
  return resolved_in_network(cluster, from, cluster.name() + "-rw");
}

inline std::string node_address(ClusterFixture& cluster, const std::string& node) {
  auto found = run_command("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' " +
                           cluster.name() + "-" + node);
  std::string address = found.out;
  while (!address.empty() && (address.back() == '\n' || address.back() == ' ')) address.pop_back();
  return address + " ";
}

}  // namespace pgdecl::testing
