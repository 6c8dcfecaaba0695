// Every request to the Docker engine has a deadline: an engine that
// accepts the connection and never answers fails the call in time, with a
// message that says what pgdecl was doing.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "providers/docker/client.h"

namespace pgdecl::docker {
namespace {

// A unix socket that accepts connections, reads nothing and answers
// nothing: a frozen engine.
class SilentEngine {
 public:
  SilentEngine() : path_("/tmp/pgdecl-silent-" + std::to_string(::getpid()) + ".sock") {
    std::filesystem::remove(path_);
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof(address.sun_path) - 1);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    REQUIRE(::listen(listener_, 8) == 0);
    acceptor_ = std::thread([this] {
      while (true) {
        int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0 || stopping_) {
          if (client >= 0) ::close(client);
          return;
        }
        held_.push_back(client);  // kept open, never answered
      }
    });
  }
  ~SilentEngine() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (int fd : held_) ::close(fd);
    std::filesystem::remove(path_);
  }
  std::string host() const { return "unix://" + path_; }

 private:
  std::string path_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::vector<int> held_;
  std::thread acceptor_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_CASE("a short request to an engine that never answers fails at its deadline, saying what it did",
          "[deadline]") {
  SilentEngine engine;
  TransportLimits limits;
  limits.request_timeout = std::chrono::seconds(1);
  Client client(make_curl_transport(engine.host(), limits));

  const auto start = std::chrono::steady_clock::now();
  Status negotiated = client.negotiate_version();
  const double took = seconds_since(start);
  REQUIRE_FALSE(negotiated);
  CHECK(negotiated.code() == Status::Code::kTimeout);
  CHECK(negotiated.message() == "asking the Docker engine for its version: the Docker engine at " +
                                    engine.host() + " did not answer GET /_ping within 1 s");
  CHECK(took >= 0.9);
  CHECK(took < 5);
}

TEST_CASE("a container wait to an engine that never answers fails at the wait's own deadline", "[deadline]") {
  SilentEngine engine;
  TransportLimits limits;
  limits.request_timeout = std::chrono::seconds(30);
  Client client(make_curl_transport(engine.host(), limits));

  const auto start = std::chrono::steady_clock::now();
  auto waited = client.wait_container("copier", std::chrono::seconds(2));
  const double took = seconds_since(start);
  REQUIRE_FALSE(waited);
  CHECK(waited.status().message() == "waiting for container copier: the Docker engine at " + engine.host() +
                                         " did not answer POST /v1.41/containers/copier/wait within 2 s");
  CHECK(took >= 1.9);
  CHECK(took < 10);
}

}  // namespace
}  // namespace pgdecl::docker
