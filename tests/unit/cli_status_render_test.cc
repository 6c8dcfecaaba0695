#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/status_render.h"
#include "providers/postgres/node/replica_health.h"
#include "providers/postgres/replication/cluster_status.h"

using namespace pgdecl;
using pgdecl::cli::render_status_json;
using pgdecl::cli::render_status_text;

namespace {

pg::NodeStatus master_running() {
  pg::NodeStatus master;
  master.name = "master";
  master.is_master = true;
  master.container = {"running", "127.0.0.1:54321"};
  return master;
}

pg::NodeStatus replica(const std::string& name, std::optional<std::string> state, bool slot_exists) {
  pg::NodeStatus node;
  node.name = name;
  node.container = {"running", "127.0.0.1:54322"};
  pg::ReplicaView view;
  view.state = std::move(state);
  if (view.state) {
    view.lag_bytes = 0;
    view.lag_seconds = 0.0;
  }
  view.slot = pg::SlotStatus{"pgdecl_" + name, slot_exists, slot_exists && view.state.has_value()};
  node.replication = view;
  return node;
}

pg::ClusterStatus cluster(std::vector<pg::NodeStatus> nodes) {
  pg::ClusterStatus status;
  status.cluster = "pgcluster";
  status.slots = true;
  status.nodes = std::move(nodes);
  return status;
}

}  // namespace

TEST_CASE("status of a healthy cluster: one line per node, and a verdict", "[unit]") {
  auto status = cluster({master_running(), replica("replica1", "streaming", true)});
  status.roles = {{"replicator", true, true}, {"app", true, false}};
  CHECK(pg::health_problems(status).empty());
  CHECK(render_status_text(status) ==
        "Cluster pgcluster\n"
        "\n"
        "NODE      ROLE     CONTAINER                STREAMING  LAG          SLOT\n"
        "master    master   running 127.0.0.1:54321  accepting  -            -\n"
        "replica1  replica  running 127.0.0.1:54322  streaming  0 B / 0.0 s  pgdecl_replica1 active\n"
        "\n"
        "ROLES       WANTED   ON THE MASTER\n"
        "replicator  present  present\n"
        "app         present  absent\n"
        "\n"
        "Healthy: the master accepts connections and every replica is streaming.\n");
}

TEST_CASE("status names every replica that does not stream, and why", "[unit]") {
  auto not_connected = replica("replica2", std::nullopt, true);
  auto gone = replica("replica3", std::nullopt, false);
  gone.container = {"missing", std::nullopt};
  auto catching_up = replica("replica4", "catchup", true);
  catching_up.replication->lag_bytes = 16LL * 1024 * 1024 + 512 * 1024;
  catching_up.replication->lag_seconds = 2.34;
  auto status =
      cluster({master_running(), replica("replica1", "streaming", false), not_connected, gone, catching_up});

  // Streaming without its slot is not healthy: apply holds replicas to the same bar.
  CHECK(pg::health_problems(status) ==
        std::vector<std::string>{"replica1: streaming, but not through its slot pgdecl_replica1 (missing)",
                                 "replica2: not connected to the master",
                                 "replica3: not connected to the master (its container is missing)",
                                 "replica4: catchup, not streaming yet"});
  const std::string text = render_status_text(status);
  INFO(text);
  CHECK(
      text.find("replica1  replica  running 127.0.0.1:54322  streaming      0 B / 0.0 s      pgdecl_replica1 "
                "missing\n") != std::string::npos);
  CHECK(
      text.find("replica2  replica  running 127.0.0.1:54322  not connected  -                pgdecl_replica2 "
                "inactive\n") != std::string::npos);
  CHECK(
      text.find("replica3  replica  missing                  not connected  -                pgdecl_replica3 "
                "missing\n") != std::string::npos);
  CHECK(
      text.find("replica4  replica  running 127.0.0.1:54322  catchup        16.5 MB / 2.3 s  pgdecl_replica4 "
                "active\n") != std::string::npos);
  CHECK(text.find(
            "\nNot healthy:\n  - replica1: streaming, but not through its slot pgdecl_replica1 (missing)\n"
            "  - replica2: not connected to the master\n") != std::string::npos);
  CHECK(text.find("Healthy:") == std::string::npos);
}

TEST_CASE("status of an unreachable master leaves the replicas unknown", "[unit]") {
  auto master = master_running();
  master.container = {"exited", std::nullopt};
  master.unreachable = "container exited";
  auto lost = replica("replica1", std::nullopt, false);
  lost.replication.reset();
  auto status = cluster({master, lost});
  status.roles = {{"app", true, std::nullopt}};

  CHECK(
      pg::health_problems(status) ==
      std::vector<std::string>{"master: container exited", "replica1: unknown, the master cannot be asked"});
  const std::string text = render_status_text(status);
  INFO(text);
  CHECK(text.find("master    master   exited                   container exited  -    -\n") !=
        std::string::npos);
  CHECK(text.find("replica1  replica  running 127.0.0.1:54322  unknown           ?    ?\n") !=
        std::string::npos);
  CHECK(text.find("app    present  unknown\n") != std::string::npos);
}

TEST_CASE("status leaves out the SLOT column when the spec has no slots", "[unit]") {
  auto status = cluster({master_running(), replica("replica1", "streaming", false)});
  status.slots = false;
  status.nodes[1].replication->slot.reset();
  const std::string text = render_status_text(status);
  INFO(text);
  CHECK(text.find("NODE      ROLE     CONTAINER                STREAMING  LAG\n") != std::string::npos);
  CHECK(text.find("SLOT") == std::string::npos);
  CHECK(text.find("ROLES") == std::string::npos);  // the spec names no role
}

TEST_CASE("status --json: every node with nulls where a field does not apply", "[unit]") {
  auto master = master_running();
  auto missing = replica("replica2", std::nullopt, false);
  missing.container = {"missing", std::nullopt};
  auto status = cluster({master, replica("replica1", "streaming", true), missing});
  status.nodes[1].replication->lag_bytes = 4096;
  status.nodes[1].replication->lag_seconds = 0.5;
  status.roles = {{"app", true, true}, {"old", false, false}};

  auto json = nlohmann::json::parse(render_status_json(status));
  CHECK(json["cluster"] == "pgcluster");
  CHECK(json["healthy"] == false);
  CHECK(json["problems"] ==
        nlohmann::json::array({"replica2: not connected to the master (its container is missing)"}));
  REQUIRE(json["nodes"].size() == 3);

  const auto& m = json["nodes"][0];
  CHECK(m["name"] == "master");
  CHECK(m["role"] == "master");
  CHECK(m["container"] == nlohmann::json({{"state", "running"}, {"published", "127.0.0.1:54321"}}));
  CHECK(m["streaming"] == nlohmann::json({{"state", "accepting"}, {"reason", nullptr}}));
  CHECK(m["lag"].is_null());
  CHECK(m["slot"].is_null());

  const auto& r1 = json["nodes"][1];
  CHECK(r1["role"] == "replica");
  CHECK(r1["streaming"]["state"] == "streaming");
  CHECK(r1["lag"] == nlohmann::json({{"bytes", 4096}, {"seconds", 0.5}}));
  CHECK(r1["slot"] == nlohmann::json({{"name", "pgdecl_replica1"}, {"exists", true}, {"active", true}}));

  const auto& r2 = json["nodes"][2];
  CHECK(r2["container"] == nlohmann::json({{"state", "missing"}, {"published", nullptr}}));
  CHECK(r2["streaming"]["state"] == "not connected");
  CHECK(r2["lag"].is_null());
  CHECK(r2["slot"]["exists"] == false);

  CHECK(json["roles"] ==
        nlohmann::json::array({{{"name", "app"}, {"wanted", "present"}, {"present", true}},
                               {{"name", "old"}, {"wanted", "absent"}, {"present", false}}}));
}

TEST_CASE("status --json of an unreachable master says why", "[unit]") {
  auto master = master_running();
  master.unreachable = "not accepting connections";
  master.error = "connecting to PostgreSQL at postgres@127.0.0.1:54321/postgres: connection refused";
  auto json = nlohmann::json::parse(render_status_json(cluster({master})));
  CHECK(json["healthy"] == false);
  CHECK(json["nodes"][0]["streaming"] ==
        nlohmann::json({{"state", "unreachable"},
                        {"reason",
                         "not accepting connections: connecting to PostgreSQL at "
                         "postgres@127.0.0.1:54321/postgres: connection refused"}}));
}

TEST_CASE("status holds a streaming replica far behind as unhealthy, as apply does", "[unit]") {
  auto behind = replica("replica1", "streaming", true);
  behind.replication->lag_bytes = pg::kHealthyLagBytes;
  CHECK(pg::health_problems(cluster({master_running(), behind})) ==
        std::vector<std::string>{"replica1: " + std::to_string(pg::kHealthyLagBytes) +
                                 " bytes behind the master"});
  behind.replication->lag_bytes = pg::kHealthyLagBytes - 1;
  CHECK(pg::health_problems(cluster({master_running(), behind})).empty());
}
