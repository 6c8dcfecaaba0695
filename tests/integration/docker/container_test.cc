#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/integration/docker/docker_test_support.h"

namespace pgdecl::docker::testing {
namespace {

ContainerInfo require_inspect(Client& client, const std::string& name) {
  auto inspected = client.inspect_container(name);
  INFO(describe(inspected));
  REQUIRE(inspected.is_ok());
  REQUIRE(inspected->has_value());
  return **inspected;
}

ContainerInfo require_listed(Client& client, const std::string& name) {
  auto listed = client.list_containers(test_labels(name));
  INFO(describe(listed));
  REQUIRE(listed.is_ok());
  REQUIRE(listed->size() == 1);
  return listed->front();
}

TEST_CASE("a container is created with its whole configuration and read back", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("full"));
  const std::string network = cleanup.network(unique_name("full-net"));
  const std::string volume = cleanup.volume(unique_name("full-vol"));
  REQUIRE(client->create_network(network, std::nullopt, test_labels(name)).is_ok());
  REQUIRE(client->create_volume(volume, test_labels(name)).is_ok());

  ContainerConfig config = sleeper(name);
  config.env = {"PGDECL_GREETING=hello env"};
  config.labels["pgdecl.node"] = "master";
  config.mounts = {{volume, "/var/lib/postgresql/data"}};
  config.publish = PortBinding{"127.0.0.1", 0};
  config.network = network;
  config.network_aliases = {"master-alias"};
  Result<std::string> id = client->create_container(config);
  INFO(describe(id));
  REQUIRE(id.is_ok());

  SECTION("before it starts, inspect and list report the requested binding") {
    ContainerInfo created = require_inspect(*client, name);
    CHECK(created.id == *id);
    CHECK(created.name == name);
    CHECK(created.state == "created");
    CHECK(created.image == kTestImage);
    CHECK_THAT(created.image_id, Catch::StartsWith("sha256:"));
    CHECK(created.labels.at("pgdecl.node") == "master");
    CHECK(created.labels.at("pgdecl.cluster") == name);
    CHECK(created.networks == std::vector<std::string>{network});
    CHECK(created.volumes == std::vector<std::string>{volume});
    REQUIRE(created.published.has_value());
    CHECK(created.published->host_ip == "127.0.0.1");
    CHECK(created.published->host_port == 0);

    ContainerInfo listed = require_listed(*client, name);
    CHECK(listed.id == *id);
    CHECK(listed.state == "created");
    CHECK(listed.networks == created.networks);
    CHECK(listed.volumes == created.volumes);
    REQUIRE(listed.published.has_value());
    CHECK(listed.published->host_port == 0);
  }

  SECTION("once started, the ephemeral port is read back by inspect and list alike") {
    REQUIRE(client->start_container(*id).is_ok());
    ContainerInfo running = require_inspect(*client, name);
    CHECK(running.running());
    REQUIRE(running.published.has_value());
    CHECK(running.published->host_ip == "127.0.0.1");
    CHECK(running.published->host_port > 0);

    ContainerInfo listed = require_listed(*client, name);
    CHECK(listed.running());
    CHECK(listed.name == name);
    CHECK(listed.image == kTestImage);
    CHECK(listed.image_id == running.image_id);
    CHECK(listed.labels == running.labels);
    CHECK(listed.networks == running.networks);
    CHECK(listed.volumes == running.volumes);
    REQUIRE(listed.published.has_value());
    CHECK(listed.published->host_ip == running.published->host_ip);
    CHECK(listed.published->host_port == running.published->host_port);

    Result<ExecResult> env = client->exec(name, {"sh", "-c", "echo \"$PGDECL_GREETING\"; id -u"});
    REQUIRE(env.is_ok());
    CHECK(env->out == "hello env\n0\n");
  }
}

TEST_CASE("a container runs as the user asked for", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("user"));
  ContainerConfig config = sleeper(name);
  config.user = "postgres";
  REQUIRE(client->create_container(config).is_ok());
  REQUIRE(client->start_container(name).is_ok());

  Result<ExecResult> whoami = client->exec(name, {"id", "-un"});
  REQUIRE(whoami.is_ok());
  CHECK(whoami->out == "postgres\n");
  Result<ExecResult> as_root = client->exec(name, {"id", "-un"}, "root");
  REQUIRE(as_root.is_ok());
  CHECK(as_root->out == "root\n");
}

TEST_CASE("a network alias resolves from another container on the network", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string network = cleanup.network(unique_name("alias-net"));
  const std::string server = cleanup.container(unique_name("alias-server"));
  const std::string peer = cleanup.container(unique_name("alias-peer"));
  const std::string alias = unique_name("alias");
  REQUIRE(client->create_network(network, std::nullopt, test_labels(network)).is_ok());

  ContainerConfig server_config = sleeper(server);
  server_config.network = network;
  server_config.network_aliases = {alias};
  ContainerConfig peer_config = sleeper(peer);
  peer_config.network = network;
  for (const ContainerConfig& config : {server_config, peer_config}) {
    Result<std::string> id = client->create_container(config);
    INFO(describe(id));
    REQUIRE(id.is_ok());
    REQUIRE(client->start_container(*id).is_ok());
  }

  Result<ExecResult> resolved = client->exec(peer, {"getent", "hosts", alias});
  INFO(describe(resolved));
  REQUIRE(resolved.is_ok());
  CHECK(resolved->exit_code == 0);
  CHECK_THAT(resolved->out, Catch::Contains(alias));
  Result<ExecResult> unknown = client->exec(peer, {"getent", "hosts", alias + "-nope"});
  REQUIRE(unknown.is_ok());
  CHECK(unknown->exit_code != 0);
}

TEST_CASE("a container starts, stops and is removed", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("life"));
  Result<std::string> id = client->create_container(sleeper(name));
  REQUIRE(id.is_ok());

  REQUIRE(client->start_container(*id).is_ok());
  CHECK(client->start_container(*id).is_ok());  // already running: fine
  CHECK(require_inspect(*client, name).running());

  Status stopped = client->stop_container(*id, 1);
  INFO(describe(stopped));
  REQUIRE(stopped.is_ok());
  CHECK(require_inspect(*client, name).state == "exited");
  CHECK(client->stop_container(*id, 1).is_ok());  // already stopped: fine
  CHECK(require_listed(*client, name).state == "exited");

  REQUIRE(client->remove_container(*id, /*force=*/false).is_ok());
  auto gone = client->inspect_container(name);
  REQUIRE(gone.is_ok());
  CHECK_FALSE(gone->has_value());
  Status again = client->remove_container(*id, false);
  CHECK(again.code() == Status::Code::kNotFound);
}

TEST_CASE("removing a running container needs force", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("force"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());
  REQUIRE(client->start_container(name).is_ok());

  Status refused = client->remove_container(name, /*force=*/false);
  CHECK(refused.code() == Status::Code::kConflict);
  REQUIRE(client->remove_container(name, /*force=*/true).is_ok());
}

TEST_CASE("removing a container keeps its named volume", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("keepvol"));
  const std::string volume = cleanup.volume(unique_name("keepvol-data"));
  REQUIRE(client->create_volume(volume, test_labels(name)).is_ok());
  ContainerConfig config = sleeper(name);
  config.mounts = {{volume, "/data"}};
  REQUIRE(client->create_container(config).is_ok());

  REQUIRE(client->remove_container(name, /*force=*/true).is_ok());
  auto kept = client->inspect_volume(volume);
  REQUIRE(kept.is_ok());
  CHECK(kept->has_value());
}

TEST_CASE("a second container of the same name is a conflict", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("dup"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());

  Result<std::string> again = client->create_container(sleeper(name));
  REQUIRE_FALSE(again.is_ok());
  CHECK(again.status().code() == Status::Code::kConflict);
  CHECK_THAT(again.status().message(), Catch::StartsWith("creating container " + name + ": Docker (unix://"));
  CHECK_THAT(again.status().message(),
             Catch::Contains("said 409: Conflict. The container name \"/" + name + "\" is already in use"));
}

TEST_CASE("creating a container from a missing image is not_found", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("noimage"));
  ContainerConfig config = sleeper(name);
  config.image = unique_name("noimage") + ":none";
  Result<std::string> created = client->create_container(config);
  REQUIRE_FALSE(created.is_ok());
  CHECK(created.status().code() == Status::Code::kNotFound);
  CHECK_THAT(created.status().message(), Catch::Contains("No such image"));
}

TEST_CASE("a missing container is nothing on inspect and not_found on start", "[docker]") {
  auto client = connect_docker();
  const std::string name = unique_name("ghost");
  auto inspected = client->inspect_container(name);
  REQUIRE(inspected.is_ok());
  CHECK_FALSE(inspected->has_value());
  CHECK(client->start_container(name).code() == Status::Code::kNotFound);
  auto listed = client->list_containers(test_labels(name));
  REQUIRE(listed.is_ok());
  CHECK(listed->empty());
}

TEST_CASE("container logs hold both streams, tail-limited", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("logs"));
  ContainerConfig config = sleeper(name);
  config.cmd = {"sh", "-c", "echo one; echo two >&2; echo three; sleep 300"};
  REQUIRE(client->create_container(config).is_ok());
  REQUIRE(client->start_container(name).is_ok());
  // The lines are written by the time this exec has run: the shell echoes first.
  REQUIRE(client->exec(name, {"sh", "-c", "sleep 0.5"}).is_ok());

  Result<std::string> all = client->container_logs(name, 0);
  REQUIRE(all.is_ok());
  CHECK_THAT(*all, Catch::Contains("one\n") && Catch::Contains("two\n") && Catch::Contains("three\n"));
  Result<std::string> last = client->container_logs(name, 1);
  REQUIRE(last.is_ok());
  CHECK(std::count(last->begin(), last->end(), '\n') == 1);
}

}  // namespace
}  // namespace pgdecl::docker::testing
