#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/docker/docker_test_support.h"

namespace pgdecl::docker::testing {
namespace {

// Sets an environment variable for one scope, restoring the old value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_CASE("an unreachable engine is unavailable and the message names it", "[docker]") {
  Client client(make_curl_transport("tcp://127.0.0.1:1"));
  Status negotiated = client.negotiate_version();
  CHECK(negotiated.code() == Status::Code::kUnavailable);
  CHECK(negotiated.message() ==
        "asking the Docker engine for its version: cannot reach the Docker engine at tcp://127.0.0.1:1: "
        "Couldn't connect to server");

  auto listed = client.list_containers({});
  REQUIRE_FALSE(listed.is_ok());
  CHECK(listed.status().code() == Status::Code::kUnavailable);
  CHECK_THAT(listed.status().message(), Catch::Contains("tcp://127.0.0.1:1"));
  CHECK(client.transport().requests_sent() == 2);
}

TEST_CASE("a unix socket that does not exist is unavailable", "[docker]") {
  Client client(make_curl_transport("unix:///nonexistent/pgdecl-docker.sock"));
  Status negotiated = client.negotiate_version();
  CHECK(negotiated.code() == Status::Code::kUnavailable);
  CHECK_THAT(negotiated.message(), Catch::Contains("unix:///nonexistent/pgdecl-docker.sock"));
}

TEST_CASE("an address of an unknown kind is refused with the expected forms", "[docker]") {
  Client client(make_curl_transport("ssh://somewhere"));
  Status negotiated = client.negotiate_version();
  CHECK(negotiated.code() == Status::Code::kInvalidArgument);
  CHECK_THAT(negotiated.message(), Catch::Contains("ssh://somewhere") && Catch::Contains("tcp://host:port"));
}

TEST_CASE("the engine address comes from DOCKER_HOST, then the local socket", "[docker]") {
  {
    ScopedEnv env("DOCKER_HOST", "tcp://127.0.0.1:1");
    CHECK(make_curl_transport("")->endpoint() == "tcp://127.0.0.1:1");
    CHECK(make_curl_transport("unix:///var/run/docker.sock")->endpoint() == "unix:///var/run/docker.sock");
  }
  ScopedEnv env("DOCKER_HOST", nullptr);
  CHECK(make_curl_transport("")->endpoint() == "unix:///var/run/docker.sock");
}

TEST_CASE("the negotiated version is the engine's, never newer than 1.41", "[docker]") {
  auto transport = make_curl_transport("");
  Result<HttpResponse> version = transport->send(HttpRequest{"GET", "/version", "", ""});
  REQUIRE(version.is_ok());
  REQUIRE(version->status == 200);
  std::string engine = nlohmann::json::parse(version->body).at("ApiVersion").get<std::string>();
  int engine_minor = std::stoi(engine.substr(engine.find('.') + 1));
  // The ping that negotiation reads says the same, in a header.
  Result<HttpResponse> pong = transport->send(HttpRequest{"GET", "/_ping", "", ""});
  REQUIRE(pong.is_ok());
  CHECK(pong->headers["api-version"] == engine);

  auto client = connect_docker();
  const std::string& chosen = client->api_version();
  int chosen_minor = std::stoi(chosen.substr(chosen.find('.') + 1));
  CHECK_THAT(chosen, Catch::StartsWith("1."));
  CHECK(chosen_minor <= 41);
  if (engine_minor <= 41) CHECK(chosen == engine);

  // Every later request carries the prefix; the engine accepts it.
  long before = client->transport().requests_sent();
  REQUIRE(client->list_networks({}).is_ok());
  CHECK(client->transport().requests_sent() == before + 1);
}

TEST_CASE("one client serves several threads at once", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("threads"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());
  REQUIRE(client->start_container(name).is_ok());

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto inspected = client->inspect_container(name);
        auto echoed = client->exec(name, {"echo", std::to_string(t * 100 + i)});
        if (!inspected.is_ok() || !inspected->has_value() || !echoed.is_ok() ||
            echoed->out != std::to_string(t * 100 + i) + "\n") {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
}

}  // namespace
}  // namespace pgdecl::docker::testing
