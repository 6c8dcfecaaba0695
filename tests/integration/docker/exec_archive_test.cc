#include <catch2/catch.hpp>

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

// "<mode> <owner uid> <content>" of a file, read from inside the container.
std::string describe_file(Client& client, const std::string& container, const std::string& path) {
  Result<ExecResult> shown =
      client.exec(container, {"sh", "-c", "stat -c '%a %u' " + path + " && cat " + path});
  INFO(describe(shown));
  REQUIRE(shown.is_ok());
  INFO(shown->err);
  REQUIRE(shown->exit_code == 0);
  std::string text = shown->out;
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

TEST_CASE("exec reports the exit code and keeps stdout and stderr apart", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = start_sleeper(*client, cleanup, "exec");

  Result<ExecResult> result =
      client->exec(name, {"sh", "-c", "echo to-out; echo to-err >&2; echo more-out; exit 3"});
  INFO(describe(result));
  REQUIRE(result.is_ok());
  CHECK(result->exit_code == 3);
  CHECK(result->out == "to-out\nmore-out\n");
  CHECK(result->err == "to-err\n");

  Result<ExecResult> ok = client->exec(name, {"true"});
  REQUIRE(ok.is_ok());
  CHECK(ok->exit_code == 0);
  CHECK(ok->out.empty());
}

TEST_CASE("exec carries large output whole", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = start_sleeper(*client, cleanup, "exec-big");

  Result<ExecResult> result = client->exec(name, {"sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"});
  REQUIRE(result.is_ok());
  CHECK(result->exit_code == 0);
  CHECK(result->out == std::string(300000, 'x'));
}

TEST_CASE("exec of a program that does not exist fails inside, not in the client", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = start_sleeper(*client, cleanup, "exec-missing");

  Result<ExecResult> result = client->exec(name, {"/no/such/program"});
  INFO(describe(result));
  REQUIRE(result.is_ok());
  CHECK(result->exit_code >= 126);  // the runtime's "cannot execute" (126) or "not found" (127)
  CHECK_THAT(result->out + result->err, Catch::Contains("no such file or directory"));
}

TEST_CASE("exec in a container that is not running is a conflict", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("exec-created"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());

  Result<ExecResult> result = client->exec(name, {"true"});
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.status().code() == Status::Code::kConflict);
  CHECK_THAT(result.status().message(),
             Catch::StartsWith("running true in container " + name + ": Docker ("));
  CHECK_THAT(result.status().message(), Catch::Contains("is not running"));
}

TEST_CASE("files uploaded into a created container are there when it starts", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("upload-created"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());

  std::vector<ArchiveFile> files = {{"pgdecl-secret.conf", "secret = 1\n", 0600},
                                    {"conf.d/extra.conf", "extra = 2\n", 0644, 999, 999}};
  Status uploaded = client->upload_archive(name, "/tmp", files);
  INFO(describe(uploaded));
  REQUIRE(uploaded.is_ok());
  REQUIRE(client->start_container(name).is_ok());

  CHECK(describe_file(*client, name, "/tmp/pgdecl-secret.conf") == "600 0 secret = 1 ");
  CHECK(describe_file(*client, name, "/tmp/conf.d/extra.conf") == "644 999 extra = 2 ");
}

TEST_CASE("files uploaded into a running container replace what was there", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = start_sleeper(*client, cleanup, "upload-running");

  REQUIRE(client->upload_archive(name, "/tmp", {{"hba.conf", "first\n", 0640}}).is_ok());
  CHECK(describe_file(*client, name, "/tmp/hba.conf") == "640 0 first ");
  REQUIRE(client->upload_archive(name, "/tmp", {{"hba.conf", "second\n", 0600}}).is_ok());
  CHECK(describe_file(*client, name, "/tmp/hba.conf") == "600 0 second ");
  REQUIRE(client->upload_archive(name, "/tmp", {{"empty", "", 0644}}).is_ok());
  CHECK(describe_file(*client, name, "/tmp/empty") == "644 0 ");
}

TEST_CASE("uploading into a directory that does not exist is not_found", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = cleanup.container(unique_name("upload-nodir"));
  REQUIRE(client->create_container(sleeper(name)).is_ok());

  Status uploaded = client->upload_archive(name, "/no/such/dir", {{"x", "y", 0644}});
  CHECK(uploaded.code() == Status::Code::kNotFound);
  CHECK_THAT(uploaded.message(),
             Catch::StartsWith("copying 1 file(s) into /no/such/dir of container " + name));
}

}  // namespace
}  // namespace pgdecl::docker::testing
