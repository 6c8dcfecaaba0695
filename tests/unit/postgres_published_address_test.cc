// Where pgdecl connects for a port Docker published: the published host
// address, with a wildcard mapped to the loopback address of its family.

#include <catch2/catch.hpp>

#include "providers/postgres/node/published_address.h"

namespace pgdecl::pg {
namespace {

docker::ContainerInfo running_on(const std::string& host_ip, int port) {
  docker::ContainerInfo info;
  info.state = "running";
  info.published = docker::PortBinding{host_ip, port};
  return info;
}

TEST_CASE("a published host address is connected to as published, a wildcard at its family's loopback",
          "[published]") {
  CHECK(reachable_host("127.0.0.1") == "127.0.0.1");
  CHECK(reachable_host("::1") == "::1");
  CHECK(reachable_host("0.0.0.0") == "127.0.0.1");
  CHECK(reachable_host("::") == "::1");
  CHECK(reachable_host("") == "127.0.0.1");
  CHECK(reachable_host("192.0.2.10") == "192.0.2.10");

  CHECK(published_address(running_on("::1", 32768)) == NodeAddress{"::1", 32768});
  CHECK(published_address(running_on("0.0.0.0", 5433)) == NodeAddress{"127.0.0.1", 5433});
}

TEST_CASE("a container that is not running or has no port yet has no address", "[published]") {
  auto stopped = running_on("127.0.0.1", 5432);
  stopped.state = "exited";
  CHECK_FALSE(published_address(stopped));
  CHECK_FALSE(published_address(running_on("127.0.0.1", 0)));
  docker::ContainerInfo unpublished;
  unpublished.state = "running";
  CHECK_FALSE(published_address(unpublished));
}

}  // namespace
}  // namespace pgdecl::pg
