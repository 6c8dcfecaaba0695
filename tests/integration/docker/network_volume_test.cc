#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/integration/docker/docker_test_support.h"

namespace pgdecl::docker::testing {
namespace {

template <typename T>
bool has_name(const std::vector<T>& objects, const std::string& name) {
  return std::any_of(objects.begin(), objects.end(), [&](const T& object) { return object.name == name; });
}

TEST_CASE("a network is created, inspected, listed by label and removed", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.network(unique_name("net"));

  Result<NetworkInfo> created = client->create_network(name, std::nullopt, test_labels(name));
  INFO(describe(created));
  REQUIRE(created.is_ok());
  CHECK(created->name == name);
  CHECK_FALSE(created->id.empty());
  CHECK(created->subnet.has_value());  // Docker picked one and we read it back
  CHECK(created->labels == test_labels(name));

  auto inspected = client->inspect_network(name);
  REQUIRE(inspected.is_ok());
  REQUIRE(inspected->has_value());
  CHECK((*inspected)->id == created->id);

  auto listed = client->list_networks(test_labels(name));
  REQUIRE(listed.is_ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().name == name);
  CHECK(listed->front().subnet == created->subnet);

  REQUIRE(client->remove_network(name).is_ok());
  auto gone = client->inspect_network(name);
  REQUIRE(gone.is_ok());
  CHECK_FALSE(gone->has_value());
  CHECK(client->remove_network(name).code() == Status::Code::kNotFound);
}

TEST_CASE("a network gets the subnet asked for", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.network(unique_name("subnet"));

  Result<NetworkInfo> created = client->create_network(name, "10.213.117.0/24", test_labels(name));
  INFO(describe(created));
  REQUIRE(created.is_ok());
  CHECK(created->subnet == std::optional<std::string>("10.213.117.0/24"));
}

TEST_CASE("a second network of the same name is a conflict", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.network(unique_name("dup"));
  REQUIRE(client->create_network(name, std::nullopt, test_labels(name)).is_ok());

  Result<NetworkInfo> again = client->create_network(name, std::nullopt, test_labels(name));
  REQUIRE_FALSE(again.is_ok());
  CHECK(again.status().code() == Status::Code::kConflict);
  CHECK_THAT(again.status().message(), Catch::StartsWith("creating network " + name + ": Docker (unix://"));
  CHECK_THAT(again.status().message(), Catch::Contains("already exists"));
}

TEST_CASE("a missing network is nothing, not an error", "[docker]") {
  auto client = connect_docker();
  auto inspected = client->inspect_network(unique_name("never"));
  REQUIRE(inspected.is_ok());
  CHECK_FALSE(inspected->has_value());
}

TEST_CASE("a label filter lists only the networks that carry it", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string mine = cleanup.network(unique_name("mine"));
  const std::string other = cleanup.network(unique_name("other"));
  REQUIRE(client->create_network(mine, std::nullopt, test_labels(mine)).is_ok());
  REQUIRE(client->create_network(other, std::nullopt, test_labels(other)).is_ok());

  auto listed = client->list_networks(test_labels(mine));
  REQUIRE(listed.is_ok());
  CHECK(has_name(*listed, mine));
  CHECK_FALSE(has_name(*listed, other));
}

TEST_CASE("a volume is created, inspected, listed by label and removed", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.volume(unique_name("vol"));
  const std::string other = cleanup.volume(unique_name("vol-other"));

  Result<VolumeInfo> created = client->create_volume(name, test_labels(name));
  INFO(describe(created));
  REQUIRE(created.is_ok());
  CHECK(created->name == name);
  CHECK_FALSE(created->mountpoint.empty());
  CHECK(created->labels == test_labels(name));
  REQUIRE(client->create_volume(other, test_labels(other)).is_ok());

  auto inspected = client->inspect_volume(name);
  REQUIRE(inspected.is_ok());
  REQUIRE(inspected->has_value());
  CHECK((*inspected)->labels == test_labels(name));

  auto listed = client->list_volumes(test_labels(name));
  REQUIRE(listed.is_ok());
  CHECK(has_name(*listed, name));
  CHECK_FALSE(has_name(*listed, other));

  REQUIRE(client->remove_volume(name).is_ok());
  auto gone = client->inspect_volume(name);
  REQUIRE(gone.is_ok());
  CHECK_FALSE(gone->has_value());
  Status again = client->remove_volume(name);
  CHECK(again.code() == Status::Code::kNotFound);
  CHECK_THAT(again.message(), Catch::StartsWith("removing volume " + name + ": Docker ("));
}

TEST_CASE("a volume in use by a container cannot be removed", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string volume = cleanup.volume(unique_name("busy"));
  const std::string container = cleanup.container(unique_name("busy-holder"));
  REQUIRE(client->create_volume(volume, test_labels(volume)).is_ok());
  ContainerConfig config = sleeper(container);
  config.mounts = {{volume, "/data"}};
  REQUIRE(client->create_container(config).is_ok());

  Status removed = client->remove_volume(volume);
  CHECK(removed.code() == Status::Code::kConflict);
  CHECK_THAT(removed.message(), Catch::Contains("in use"));
}

}  // namespace
}  // namespace pgdecl::docker::testing
