#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/integration/docker/docker_test_support.h"

namespace pgdecl::docker::testing {
namespace {

namespace fs = std::filesystem;

// A build context in a temporary directory, removed with the test.
class TempContext {
 public:
  TempContext() {
    path_ = fs::temp_directory_path() / unique_name("ctx");
    fs::create_directories(path_);
  }
  ~TempContext() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempContext(const TempContext&) = delete;
  TempContext& operator=(const TempContext&) = delete;

  void write(const std::string& relative, const std::string& content) {
    fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << content;
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST_CASE("inspecting a present image reads its id and tags", "[docker]") {
  auto client = connect_docker();
  auto image = client->inspect_image(kTestImage);
  INFO(describe(image));
  REQUIRE(image.is_ok());
  REQUIRE(image->has_value());
  CHECK_THAT((*image)->id, Catch::StartsWith("sha256:"));
  const auto& tags = (*image)->tags;
  CHECK(std::find(tags.begin(), tags.end(), kTestImage) != tags.end());
}

TEST_CASE("inspecting a missing image is nothing, not an error", "[docker]") {
  auto client = connect_docker();
  auto image = client->inspect_image(unique_name("missing") + ":none");
  REQUIRE(image.is_ok());
  CHECK_FALSE(image->has_value());
}

TEST_CASE("a failed pull carries Docker's message", "[docker]") {
  auto client = connect_docker();
  // A registry on a closed loopback port: fails at once, reaches nothing.
  Status pulled = client->pull_image("127.0.0.1:1/pgdecl-none:latest");
  CHECK_FALSE(pulled.is_ok());
  CHECK_THAT(pulled.message(), Catch::StartsWith("pulling image 127.0.0.1:1/pgdecl-none:latest: Docker ("));
  CHECK_THAT(pulled.message(), Catch::Contains("127.0.0.1:1"));
  CHECK_THAT(pulled.message(), Catch::Contains("connection refused"));
}

TEST_CASE("an image builds from a context with args and labels", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string name = unique_name("build");
  const std::string tag = cleanup.image(name + ":1");
  TempContext context;
  context.write("Dockerfile",
                "FROM postgres:15\nARG GREETING\nLABEL pgdecl.test.greeting=$GREETING\n"
                "COPY conf/extra.conf /etc/pgdecl-extra.conf\n");
  context.write("conf/extra.conf", "shared_buffers = 16MB\n");

  BuildRequest request;
  request.context_dir = context.path();
  request.tag = tag;
  request.args = {{"GREETING", "hello-from-args"}};
  request.labels = test_labels(name);
  std::vector<std::string> progress;
  Result<ImageInfo> built =
      client->build_image(request, [&](const std::string& line) { progress.push_back(line); });
  INFO(describe(built));
  REQUIRE(built.is_ok());
  CHECK_THAT(built->id, Catch::StartsWith("sha256:"));
  CHECK(std::find(built->tags.begin(), built->tags.end(), tag) != built->tags.end());
  CHECK(built->labels.at("pgdecl.test.greeting") == "hello-from-args");
  CHECK(built->labels.at("pgdecl.cluster") == name);
  CHECK(std::any_of(progress.begin(), progress.end(),
                    [](const std::string& line) { return line.starts_with("Step 1/"); }));

  auto inspected = client->inspect_image(tag);
  REQUIRE(inspected.is_ok());
  REQUIRE(inspected->has_value());
  CHECK((*inspected)->id == built->id);

  REQUIRE(client->remove_image(tag).is_ok());
  auto gone = client->inspect_image(tag);
  REQUIRE(gone.is_ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("a build without a Dockerfile fails with Docker's words", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string tag = cleanup.image(unique_name("nodockerfile") + ":1");
  TempContext context;
  context.write("README", "no Dockerfile here\n");
  BuildRequest request;
  request.context_dir = context.path();
  request.tag = tag;

  Result<ImageInfo> built = client->build_image(request);
  REQUIRE_FALSE(built.is_ok());
  CHECK_THAT(built.status().message(), Catch::StartsWith("building image " + tag + ": Docker ("));
  CHECK_THAT(built.status().message(), Catch::Contains("Cannot locate specified Dockerfile: Dockerfile"));
}

TEST_CASE("a build with an unknown instruction fails with Docker's words", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string tag = cleanup.image(unique_name("badinstr") + ":1");
  TempContext context;
  context.write("Dockerfile", "FROM postgres:15\nFROBNICATE everything\n");
  BuildRequest request;
  request.context_dir = context.path();
  request.tag = tag;

  Result<ImageInfo> built = client->build_image(request);
  REQUIRE_FALSE(built.is_ok());
  CHECK_THAT(built.status().message(), Catch::Contains("unknown instruction: FROBNICATE"));
}

TEST_CASE("a build step that fails is an error even though HTTP said 200", "[docker]") {
  auto client = connect_docker();
  DockerCleanup cleanup(*client);
  const std::string tag = cleanup.image(unique_name("failstep") + ":1");
  TempContext context;
  context.write("Dockerfile", "FROM postgres:15\nRUN exit 3\n");
  BuildRequest request;
  request.context_dir = context.path();
  request.tag = tag;

  Result<ImageInfo> built = client->build_image(request);
  REQUIRE_FALSE(built.is_ok());
  CHECK(built.status().code() == Status::Code::kFailed);
  CHECK_THAT(built.status().message(), Catch::Contains("returned a non-zero code: 3"));
}

TEST_CASE("a build from a context that does not exist is an error before any request", "[docker]") {
  auto client = connect_docker();
  long before = client->transport().requests_sent();
  BuildRequest request;
  request.context_dir = "/nonexistent/" + unique_name("ctx");
  request.tag = unique_name("noctx") + ":1";

  Result<ImageInfo> built = client->build_image(request);
  REQUIRE_FALSE(built.is_ok());
  CHECK(built.status().code() == Status::Code::kInvalidArgument);
  CHECK(client->transport().requests_sent() == before);
}

}  // namespace
}  // namespace pgdecl::docker::testing
