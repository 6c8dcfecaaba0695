#pragma once

// Shared by the [docker] tests: a client on the real engine, names that no
// two tests (or runs) share, and a guard that removes what a test created
// even when one of its assertions fails halfway.

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "providers/docker/client.h"

namespace pgdecl::docker::testing {

// The only image the tests use; it is present locally (nothing is pulled).
inline constexpr const char* kTestImage = "postgres:15";

// pgdecl-t-docker-<what>-<pid>-<n>: unique per test and per run.
inline std::string unique_name(const std::string& what) {
  static std::atomic<int> counter{0};
  return "pgdecl-t-docker-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

inline Labels test_labels(const std::string& name) { return {{"pgdecl.cluster", name}}; }

// The local engine, version negotiated. Fails the test when it is missing.
inline std::unique_ptr<Client> connect_docker() {
  auto client = std::make_unique<Client>(make_curl_transport(""));
  Status negotiated = client->negotiate_version();
  INFO(negotiated.to_string());
  REQUIRE(negotiated.is_ok());
  return client;
}

// A container of the test image that just waits; PID 1 ignores SIGTERM, so
// its stop timeout is short.
inline ContainerConfig sleeper(const std::string& name) {
  ContainerConfig config;
  config.name = name;
  config.image = kTestImage;
  config.cmd = {"sleep", "300"};
  config.labels = test_labels(name);
  config.stop_signal = "SIGTERM";
  config.stop_timeout_seconds = 1;
  return config;
}

inline std::string describe(const Status& status) { return status.is_ok() ? "OK" : status.message(); }

template <typename T>
std::string describe(const Result<T>& result) {
  return describe(result.status());
}

class DockerCleanup {
 public:
  explicit DockerCleanup(Client& client) : client_(client) {}
  ~DockerCleanup() {
    // Containers first: they hold networks, volumes and images.
    for (const auto& name : containers_) client_.remove_container(name, /*force=*/true);
    for (const auto& name : networks_) client_.remove_network(name);
    for (const auto& name : volumes_) client_.remove_volume(name);
    for (const auto& name : images_) client_.remove_image(name);
  }
  DockerCleanup(const DockerCleanup&) = delete;
  DockerCleanup& operator=(const DockerCleanup&) = delete;

  std::string container(const std::string& name) { return containers_.emplace_back(name); }
  std::string network(const std::string& name) { return networks_.emplace_back(name); }
  std::string volume(const std::string& name) { return volumes_.emplace_back(name); }
  std::string image(const std::string& name) { return images_.emplace_back(name); }

 private:
  Client& client_;
  std::vector<std::string> containers_;
  std::vector<std::string> networks_;
  std::vector<std::string> volumes_;
  std::vector<std::string> images_;
};

}  // namespace pgdecl::docker::testing
