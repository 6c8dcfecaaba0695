#include <catch2/catch.hpp>

#include "tests/integration/docker/docker_test_support.h"

namespace pgdecl::docker::testing {
namespace {

TEST_CASE("a file is read back from a container that never started, binary bytes intact", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("read-created"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());
  std::string binary("\x01\x00\xff\x7f pg_control", 14);
  binary += std::string(9000, 'x');  // more than one read buffer
  REQUIRE(client->upload_archive(name, "/tmp", {{"control", binary, 0600}}).is_ok());

  auto read = client->read_file(name, "/tmp/control");
  INFO(describe(read));
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK(**read == binary);
  // From the image too, not only from what was uploaded.
  auto version = client->read_file(name, "/usr/lib/postgresql/15/bin/pg_ctl");
  REQUIRE(version);
  CHECK(version->has_value());
}

TEST_CASE("reading a path that does not exist is nothing; a directory is an error", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("read-missing"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());
  auto missing = client->read_file(name, "/tmp/no-such-file");
  INFO(describe(missing));
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
  auto directory = client->read_file(name, "/etc");
  REQUIRE_FALSE(directory);
  CHECK_THAT(directory.status().message(), Catch::Contains("not a regular file"));
}

TEST_CASE("waiting for a container returns its exit code once it stops", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("wait"));
  ContainerConfig config = sleeper(name);
  config.cmd = {"/bin/sh", "-c", "sleep 0.3; exit 7"};
  REQUIRE(client->create_container(config).is_ok());
  REQUIRE(client->start_container(name).is_ok());
  auto code = client->wait_container(name, std::chrono::seconds(60));
  INFO(describe(code));
  REQUIRE(code);
  CHECK(*code == 7);
  auto missing = client->wait_container(unique_name("no-such-container"), std::chrono::seconds(60));
  CHECK(missing.status().code() == Status::Code::kNotFound);
}

TEST_CASE("a signal reaches the container's main process", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("signal"));
  ContainerConfig config = sleeper(name);
  // Exits 7 on SIGUSR1 only; without the signal it would sleep on.
  config.cmd = {"/bin/sh", "-c", "trap 'exit 7' USR1; while :; do sleep 0.05; done"};
  REQUIRE(client->create_container(config).is_ok());
  REQUIRE(client->start_container(name).is_ok());
  Status sent = client->signal_container(name, "SIGUSR1");
  INFO(describe(sent));
  REQUIRE(sent.is_ok());
  auto code = client->wait_container(name, std::chrono::seconds(60));
  REQUIRE(code);
  CHECK(*code == 7);
}

TEST_CASE("a container in another's network namespace has that container's interface", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string host = cleanup.container(unique_name("netns-host"));
  ContainerConfig hosting = sleeper(host);
  hosting.cmd = {"/bin/sh", "-c", "cat /sys/class/net/eth0/address > /tmp/mac; exec sleep 300"};
  REQUIRE(client->create_container(hosting).is_ok());
  REQUIRE(client->start_container(host).is_ok());

  const std::string guest = cleanup.container(unique_name("netns-guest"));
  ContainerConfig joining = sleeper(guest);
  joining.network_of_container = host;
  joining.cmd = {"/bin/sh", "-c", "cat /sys/class/net/eth0/address > /tmp/mac"};
  REQUIRE(client->create_container(joining).is_ok());
  REQUIRE(client->start_container(guest).is_ok());
  auto code = client->wait_container(guest, std::chrono::seconds(60));
  REQUIRE(code);
  CHECK(*code == 0);
  // One interface, so one MAC address: a container of its own would have
  // been given another.
  auto host_mac = client->read_file(host, "/tmp/mac");
  auto guest_mac = client->read_file(guest, "/tmp/mac");
  REQUIRE(host_mac);
  REQUIRE(guest_mac);
  REQUIRE(host_mac->has_value());
  REQUIRE(guest_mac->has_value());
  CHECK(**guest_mac == **host_mac);
  CHECK((*host_mac)->size() > 10);
}

}  // namespace
}  // namespace pgdecl::docker::testing
