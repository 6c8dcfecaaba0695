// Client logic against a scripted transport: no Docker engine involved.

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "providers/docker/client.h"
#include "tests/support/fake_transport.h"

namespace pgdecl::docker {
namespace {

using testing::docker_frame;
using testing::FakeAnswer;
using testing::FakeTransport;

// A client wired to a fake the test keeps a handle on.
struct FakeClient {
  FakeClient() {
    auto owned = std::make_unique<FakeTransport>();
    fake = owned.get();
    client = std::make_unique<Client>(std::move(owned));
  }
  FakeTransport* fake;
  std::unique_ptr<Client> client;
};

FakeAnswer json_answer(long status, std::string body) {
  return FakeAnswer{status, std::move(body), 0, {}, {}};
}

FakeAnswer ping_answer(std::string api_version) {
  FakeAnswer answer{200, "OK", 0, {}, {}};
  if (!api_version.empty()) answer.headers["api-version"] = std::move(api_version);
  return answer;
}

TEST_CASE("negotiation keeps an older engine's API version and prefixes every path", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/_ping", ping_answer("1.40"));
  f.fake->on("GET", "/containers/json", json_answer(200, "[]"));

  REQUIRE(f.client->negotiate_version().is_ok());
  CHECK(f.client->api_version() == "1.40");
  REQUIRE(f.client->list_containers({}).is_ok());

  std::vector<std::string> lines = f.fake->request_lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "GET /_ping");  // unprefixed: the engine might not know our version
  CHECK(lines[1] == "GET /v1.40/containers/json?all=1");
}

TEST_CASE("negotiation caps a newer engine at 1.41", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/_ping", ping_answer("1.47"));
  f.fake->on("GET", "/volumes", json_answer(200, R"({"Volumes":null,"Warnings":null})"));

  REQUIRE(f.client->negotiate_version().is_ok());
  CHECK(f.client->api_version() == "1.41");
  REQUIRE(f.client->list_volumes({}).is_ok());
  CHECK(f.fake->request_lines().back() == "GET /v1.41/volumes");
}

TEST_CASE("negotiation compares versions as numbers", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/_ping", ping_answer("1.9"));
  REQUIRE(f.client->negotiate_version().is_ok());
  CHECK(f.client->api_version() == "1.9");
}

TEST_CASE("an engine whose ping carries no version is asked through /version", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/_ping", ping_answer(""));
  f.fake->on("GET", "/version", json_answer(200, R"({"Version":"19.03.1","ApiVersion":"1.40"})"));
  REQUIRE(f.client->negotiate_version().is_ok());
  CHECK(f.client->api_version() == "1.40");
  CHECK(f.fake->request_lines() == std::vector<std::string>{"GET /_ping", "GET /version"});
}

TEST_CASE("a version answer that is not a version is an error", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/_ping", ping_answer("banana"));
  Status status = f.client->negotiate_version();
  CHECK(status.code() == Status::Code::kFailed);
  CHECK_THAT(status.message(), Catch::Contains("'banana'"));

  FakeClient g;
  g.fake->on("GET", "/_ping", ping_answer(""));
  g.fake->on("GET", "/version", json_answer(200, R"({"ApiVersion":"banana"})"));
  CHECK_THAT(g.client->negotiate_version().message(), Catch::Contains("'banana'"));
}

TEST_CASE("a 409 answer becomes a conflict carrying Docker's message", "[docker-fake]") {
  FakeClient f;
  f.fake->on(
      "POST", "/containers/create",
      json_answer(409, R"({"message":"Conflict. The container name \"/pg-master\" is already in use"})"));
  ContainerConfig config;
  config.name = "pg-master";
  config.image = "postgres:15";

  Result<std::string> created = f.client->create_container(config);
  REQUIRE_FALSE(created.is_ok());
  CHECK(created.status().code() == Status::Code::kConflict);
  CHECK(created.status().message() ==
        "creating container pg-master: Docker (fake://docker) said 409: "
        "Conflict. The container name \"/pg-master\" is already in use");
  CHECK(f.fake->request_lines().at(0) == "POST /v1.41/containers/create?name=pg-master");
}

TEST_CASE("a 404 on remove is not_found and on inspect is nothing", "[docker-fake]") {
  FakeClient f;
  f.fake->on("DELETE", "/networks/", json_answer(404, R"({"message":"network gone not found"})"));
  f.fake->on("GET", "/networks/", json_answer(404, R"({"message":"network gone not found"})"));

  Status removed = f.client->remove_network("gone");
  CHECK(removed.code() == Status::Code::kNotFound);
  CHECK_THAT(removed.message(), Catch::Contains("network gone not found"));

  Result<std::optional<NetworkInfo>> inspected = f.client->inspect_network("gone");
  REQUIRE(inspected.is_ok());
  CHECK_FALSE(inspected->has_value());
}

TEST_CASE("an answer that is not JSON is an error, not an exception", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/containers/x/json", json_answer(200, "<html>proxy error</html>"));
  f.fake->on("GET", "/images/", json_answer(200, R"({"Id": 42, "RepoTags": "not a list", "Config": [1]})"));

  Result<std::optional<ContainerInfo>> container = f.client->inspect_container("x");
  REQUIRE_FALSE(container.is_ok());
  CHECK_THAT(container.status().message(), Catch::Contains("not JSON"));

  Result<std::optional<ImageInfo>> image = f.client->inspect_image("odd:1");  // wrong shapes are skipped
  REQUIRE(image.is_ok());
  CHECK((*image)->id.empty());
}

TEST_CASE("a transport failure is unavailable, with what was being done", "[docker-fake]") {
  FakeClient f;
  FakeAnswer unreachable;
  unreachable.error =
      Status::unavailable("cannot reach the Docker engine at fake://docker: Couldn't connect");
  f.fake->on("GET", "/containers/json", unreachable);

  auto listed = f.client->list_containers({});
  REQUIRE_FALSE(listed.is_ok());
  CHECK(listed.status().code() == Status::Code::kUnavailable);
  CHECK(listed.status().message() ==
        "listing containers: cannot reach the Docker engine at fake://docker: Couldn't connect");
}

TEST_CASE("label filters are sent URL-encoded", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/containers/json", json_answer(200, "[]"));
  f.fake->on("GET", "/networks", json_answer(200, "[]"));
  Labels labels = {{"pgdecl.cluster", "pg one"}, {"pgdecl.role", "master"}};

  REQUIRE(f.client->list_containers(labels).is_ok());
  REQUIRE(f.client->list_networks(labels).is_ok());
  const std::string filter =
      "filters=%7B%22label%22%3A%5B%22pgdecl.cluster%3Dpg%20one%22%2C%22pgdecl.role%3Dmaster%22%5D%7D";
  CHECK(f.fake->request_lines().at(0) == "GET /v1.41/containers/json?all=1&" + filter);
  CHECK(f.fake->request_lines().at(1) == "GET /v1.41/networks?" + filter);
  CHECK(f.fake->only_reads());
}

TEST_CASE("exec demultiplexes stdout and stderr and reads the exit code", "[docker-fake]") {
  FakeClient f;
  std::string stream = docker_frame(1, "out one\n") + docker_frame(2, "err one\n") +
                       docker_frame(1, "out two\n") + docker_frame(2, "") +
                       docker_frame(1, std::string(300, 'x'));
  f.fake->on("POST", "/containers/pg-master/exec", json_answer(201, R"({"Id":"e1"})"));
  f.fake->on("POST", "/exec/e1/start", FakeAnswer{200, stream, 3, {}, {}});  // frames cut mid-header
  f.fake->on("GET", "/exec/e1/json", json_answer(200, R"({"Running":true,"ExitCode":null})"), 1);
  f.fake->on("GET", "/exec/e1/json", json_answer(200, R"({"Running":false,"ExitCode":7})"));

  Result<ExecResult> result = f.client->exec("pg-master", {"sh", "-c", "exit 7"}, "postgres");
  REQUIRE(result.is_ok());
  CHECK(result->exit_code == 7);
  CHECK(result->out == "out one\nout two\n" + std::string(300, 'x'));
  CHECK(result->err == "err one\n");

  std::vector<HttpRequest> requests = f.fake->requests();
  REQUIRE(requests.size() == 4);  // create, start, inspect while running, inspect
  auto config = nlohmann::json::parse(requests[0].body);
  CHECK(config["Cmd"] == nlohmann::json({"sh", "-c", "exit 7"}));
  CHECK(config["User"] == "postgres");
  CHECK(config["AttachStdout"] == true);
  CHECK(nlohmann::json::parse(requests[1].body) == nlohmann::json({{"Detach", false}, {"Tty", false}}));
}

TEST_CASE("a pull whose stream carries an error line fails with Docker's words", "[docker-fake]") {
  FakeClient f;
  std::string stream =
      "{\"status\":\"Pulling from library/postgres\",\"id\":\"15\"}\r\n"
      "{\"status\":\"Downloading\",\"progress\":\"[=>  ]\",\"id\":\"a1b2\"}\r\n"
      "{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},"
      "\"error\":\"unauthorized: authentication required\"}\r\n";
  f.fake->on("POST", "/images/create", FakeAnswer{200, stream, 7, {}, {}});
  std::vector<std::string> progress;

  Status pulled =
      f.client->pull_image("postgres", [&](const std::string& line) { progress.push_back(line); });
  CHECK(pulled.code() == Status::Code::kFailed);
  CHECK(pulled.message() ==
        "pulling image postgres: Docker (fake://docker) said: unauthorized: authentication required");
  CHECK(f.fake->request_lines().at(0) == "POST /v1.41/images/create?fromImage=postgres&tag=latest");
  REQUIRE(progress.size() == 3);
  CHECK(progress[0] == "15: Pulling from library/postgres");
  CHECK(progress[1] == "a1b2: Downloading [=>  ]");
}

TEST_CASE("a clean pull succeeds and keeps the registry port out of the tag", "[docker-fake]") {
  FakeClient f;
  f.fake->on("POST", "/images/create", json_answer(200, "{\"status\":\"Status: Image is up to date\"}\n"));
  REQUIRE(f.client->pull_image("registry.local:5000/team/pg:15").is_ok());
  CHECK(f.fake->request_lines().at(0) ==
        "POST /v1.41/images/create?fromImage=registry.local%3A5000%2Fteam%2Fpg&tag=15");
}

TEST_CASE("a refused pull (HTTP 500) carries Docker's message", "[docker-fake]") {
  FakeClient f;
  f.fake->on("POST", "/images/create", json_answer(500, R"({"message":"Get \"https://r/v2/\": refused"})"));
  Status pulled = f.client->pull_image("r/x:1");
  CHECK(pulled.code() == Status::Code::kFailed);
  CHECK(pulled.message() ==
        "pulling image r/x:1: Docker (fake://docker) said 500: Get \"https://r/v2/\": refused");
}

TEST_CASE("create_container sends the whole configuration", "[docker-fake]") {
  FakeClient f;
  f.fake->on("POST", "/containers/create", json_answer(201, R"({"Id":"c0ffee","Warnings":[]})"));
  ContainerConfig config;
  config.name = "pg-replica1";
  config.image = "postgres:15";
  config.cmd = {"postgres", "-D", "/var/lib/postgresql/data"};
  config.env = {"PGDATA=/var/lib/postgresql/data"};
  config.user = "postgres";
  config.labels = {{"pgdecl.cluster", "pg"}};
  config.mounts = {{"replica1_data", "/var/lib/postgresql/data"}};
  config.publish = PortBinding{"127.0.0.1", 0};
  config.network = "pg_network";
  config.network_aliases = {"replica1"};

  Result<std::string> id = f.client->create_container(config);
  REQUIRE(id.is_ok());
  CHECK(*id == "c0ffee");
  auto body = nlohmann::json::parse(f.fake->requests().at(0).body);
  CHECK(body["Image"] == "postgres:15");
  CHECK(body["Cmd"] == nlohmann::json({"postgres", "-D", "/var/lib/postgresql/data"}));
  CHECK(body["User"] == "postgres");
  CHECK(body["Labels"]["pgdecl.cluster"] == "pg");
  CHECK(body["ExposedPorts"].contains("5432/tcp"));
  CHECK(body["StopSignal"] == "SIGINT");
  CHECK(body["StopTimeout"] == 30);
  CHECK(body["HostConfig"]["Mounts"][0] ==
        nlohmann::json(
            {{"Type", "volume"}, {"Source", "replica1_data"}, {"Target", "/var/lib/postgresql/data"}}));
  CHECK(body["HostConfig"]["PortBindings"]["5432/tcp"][0] ==
        nlohmann::json({{"HostIp", "127.0.0.1"}, {"HostPort", ""}}));
  CHECK(body["HostConfig"]["NetworkMode"] == "pg_network");
  CHECK(body["NetworkingConfig"]["EndpointsConfig"]["pg_network"]["Aliases"] == nlohmann::json({"replica1"}));
}

TEST_CASE("list_containers decodes the list and asks only about stopped ones", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/containers/json", json_answer(200, R"([
    {"Id":"a1","Names":["/pg-master"],"Image":"postgres:15","ImageID":"sha256:i","State":"running",
     "Labels":{"pgdecl.cluster":"pg"},
     "Ports":[{"IP":"::","PrivatePort":5432,"PublicPort":49000,"Type":"tcp"},
              {"IP":"127.0.0.1","PrivatePort":5432,"PublicPort":49001,"Type":"tcp"}],
     "NetworkSettings":{"Networks":{"pg_network":{}}},
     "Mounts":[{"Type":"volume","Name":"master_data"},{"Type":"bind","Source":"/tmp"}]},
    {"Id":"b2","Names":["/pg-replica1"],"Image":"postgres:15","State":"exited","Labels":null,"Ports":[],
     "NetworkSettings":{"Networks":null},"Mounts":null}])"));
  f.fake->on("GET", "/containers/b2/json", json_answer(200, R"({"Id":"b2","Name":"/pg-replica1",
     "State":{"Status":"exited"},"NetworkSettings":{"Ports":{}},
     "HostConfig":{"PortBindings":{"5432/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}}})"));

  auto listed = f.client->list_containers({{"pgdecl.cluster", "pg"}});
  REQUIRE(listed.is_ok());
  REQUIRE(listed->size() == 2);
  const ContainerInfo& master = (*listed)[0];
  CHECK(master.name == "pg-master");
  CHECK(master.running());
  REQUIRE(master.published.has_value());
  CHECK(master.published->host_ip == "127.0.0.1");
  CHECK(master.published->host_port == 49001);
  CHECK(master.networks == std::vector<std::string>{"pg_network"});
  CHECK(master.volumes == std::vector<std::string>{"master_data"});
  const ContainerInfo& replica = (*listed)[1];
  CHECK(replica.state == "exited");
  REQUIRE(replica.published.has_value());
  CHECK(replica.published->host_port == 0);
  CHECK(f.fake->requests().size() == 2);
  CHECK(f.fake->only_reads());
}

TEST_CASE("a build whose stream reports an error fails with Docker's words", "[docker-fake]") {
  FakeClient f;
  std::string context = std::string(PGDECL_SOURCE_DIR) + "/tests/unit";  // any readable directory
  std::string stream =
      "{\"stream\":\"Step 1/2 : FROM postgres:15\\n\"}\r\n"
      "{\"errorDetail\":{\"code\":3,\"message\":\"The command '/bin/sh -c exit 3' returned a non-zero code: "
      "3\"},"
      "\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}\r\n";
  f.fake->on("POST", "/build", FakeAnswer{200, stream, 5, {}, {}});
  BuildRequest request;
  request.context_dir = context;
  request.tag = "pg/custom:15";
  request.args = {{"PG_MAJOR", "15"}};

  Result<ImageInfo> built = f.client->build_image(request);
  REQUIRE_FALSE(built.is_ok());
  CHECK(built.status().message() ==
        "building image pg/custom:15: Docker (fake://docker) said: "
        "The command '/bin/sh -c exit 3' returned a non-zero code: 3");
  HttpRequest sent = f.fake->requests().at(0);
  CHECK(sent.content_type == "application/x-tar");
  CHECK_FALSE(sent.body.empty());
  CHECK_THAT(sent.path, Catch::Contains("t=pg%2Fcustom%3A15"));
  CHECK_THAT(sent.path, Catch::Contains("buildargs=%7B%22PG_MAJOR%22%3A%2215%22%7D"));
}

TEST_CASE("stop and start treat 304 as already done", "[docker-fake]") {
  FakeClient f;
  f.fake->on("POST", "/containers/x/stop", json_answer(304, ""));
  f.fake->on("POST", "/containers/x/start", json_answer(304, ""));
  CHECK(f.client->stop_container("x", 5).is_ok());
  CHECK(f.client->start_container("x").is_ok());
  CHECK(f.fake->request_lines().at(0) == "POST /v1.41/containers/x/stop?t=5");
}

TEST_CASE("container logs are demultiplexed in the order written", "[docker-fake]") {
  FakeClient f;
  f.fake->on("GET", "/containers/x/logs", json_answer(200, docker_frame(1, "a\n") + docker_frame(2, "b\n")));
  Result<std::string> logs = f.client->container_logs("x", 20);
  REQUIRE(logs.is_ok());
  CHECK(*logs == "a\nb\n");
  CHECK(f.fake->request_lines().at(0) == "GET /v1.41/containers/x/logs?stdout=1&stderr=1&tail=20");
}

}  // namespace
}  // namespace pgdecl::docker
