// What a container can make pgdecl read is bounded: a file, an exec's
// output, a log. Past the cap the call fails (or a log is cut) and says so.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/integration/docker/docker_test_support.h"

namespace pgdecl::docker::testing {
namespace {

std::string start_sleeper(Client& client, DockerCleanup& cleanup, const std::string& what) {
  const std::string name = cleanup.container(unique_name(what));
  Result<std::string> id = client.create_container(sleeper(name));
  INFO(describe(id));
  REQUIRE(id.is_ok());
  REQUIRE(client.start_container(*id).is_ok());
  return name;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_CASE("a file larger than the cap is refused; one within it is read whole", "[docker][limits]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = start_sleeper(*client, cleanup, "bigfile");
  auto made = client->exec(name, {"sh", "-c",
                                  "head -c 9000000 /dev/zero > /tmp/big && head -c 7000000 "
                                  "/dev/zero > /tmp/fits"});
  REQUIRE(made);
  REQUIRE(made->exit_code == 0);

  auto big = client->read_file(name, "/tmp/big");
  REQUIRE_FALSE(big);
  CHECK(has(big.status().message(), "reading /tmp/big in container " + name +
                                        ": the file is larger than 8 MiB, more than pgdecl reads"));
  auto fits = client->read_file(name, "/tmp/fits");
  INFO(describe(fits));
  REQUIRE(fits);
  REQUIRE(fits->has_value());
  CHECK((*fits)->size() == 7000000);
}

TEST_CASE("exec output past the cap fails the exec, naming it", "[docker][limits]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = start_sleeper(*client, cleanup, "bigexec");

  auto flood = client->exec(name, {"head", "-c", "6000000", "/dev/zero"});
  REQUIRE_FALSE(flood);
  CHECK(has(flood.status().message(), "running head in container " + name + ": its output passed 4 MiB"));
  auto small = client->exec(name, {"echo", "fine"});
  REQUIRE(small);
  CHECK(small->out == "fine\n");
}

TEST_CASE("a log past the cap is cut, with a line that says so", "[docker][limits]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("biglog"));
  ContainerConfig config = sleeper(name);
  config.cmd = {"sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' 'x'; sleep 300"};
  auto id = client->create_container(config);
  REQUIRE(id);
  REQUIRE(client->start_container(*id));
  std::string logs;
  for (int i = 0; i < 100 && logs.size() < 1000000; ++i) {
    auto read = client->container_logs(*id, 0);
    REQUIRE(read);
    logs = *read;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(logs.size() <= kMaxLogBytes + 100);
  CHECK(has(logs, "[pgdecl read no more of this log: it passed 1 MiB]"));
}

}  // namespace
}  // namespace pgdecl::docker::testing
