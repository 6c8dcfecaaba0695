#pragma once

// A cluster of the test's own, made through the pgdecl binary and removed
// (with everything labelled with its name) however the test ends.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "providers/docker/client.h"
#include "providers/postgres/session/connection.h"
#include "state/secrets_file.h"
#include "tests/e2e/cli_runner.h"

namespace pgdecl::testing {

inline std::string spec_text(const std::string& cluster, const std::string& extra_hba = "") {
  return "version: 1\n"
         "name: " +
         cluster +
         "\n"
         "network:\n  name: net\n"
         "images:\n  postgres:\n    tag: postgres:15\n    pull: never\n"
         "volumes:\n  data: {}\n"
         "master:\n  name: master\n  image: postgres\n  volume: data\n  publish: 127.0.0.1:0\n"
         "  superuser:\n    password: { generate: true }\n"
         "  parameters:\n    max_connections: 50\n    work_mem: 8MB\n"
         "  hba:\n    - host all all samenet scram-sha-256\n" +
         extra_hba;
}

// The same spec with its parameters block (max_connections and work_mem)
// replaced.
inline std::string with_parameters(const std::string& cluster, const std::string& parameters) {
  std::string spec = spec_text(cluster);
  const std::string block = "    max_connections: 50\n    work_mem: 8MB\n";
  spec.replace(spec.find(block), block.size(), parameters);
  return spec;
}

// When the server last started: a restart changes it, a reload does not.
inline const std::string kStartTime = "select extract(epoch from pg_postmaster_start_time())::text";

class ClusterFixture {
 public:
  // `suffix` makes a name that begins with another fixture's, as two
  // clusters whose Docker names meet need.
  explicit ClusterFixture(const std::string& purpose, const std::string& suffix = "")
      : name_("e2e-" + purpose + "-" + std::to_string(getpid()) + suffix),
        dir_(std::filesystem::temp_directory_path() / ("pgdecl-" + name_)),
        docker_(docker::make_curl_transport("")) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    write_spec(spec_text(name_));
    REQUIRE(docker_.negotiate_version());
  }
  ~ClusterFixture() {
    run_pgdecl(dir_, "destroy -f spec.yaml --auto-approve --purge-volumes");
    docker::Labels mine{{"pgdecl.cluster", name_}};
    if (auto containers = docker_.list_containers(mine)) {
      for (const auto& c : *containers) docker_.remove_container(c.id, true);
    }
    if (auto networks = docker_.list_networks(mine)) {
      for (const auto& n : *networks) docker_.remove_network(n.id);
    }
    if (auto volumes = docker_.list_volumes(mine)) {
      for (const auto& v : *volumes) docker_.remove_volume(v.name);
    }
    for (const auto& image : images_) docker_.remove_image(image);
    std::filesystem::remove_all(dir_);
  }

  // An image the test builds (by tag or id), removed once no container
  // of the cluster uses it any more.
  void remove_image_at_end(const std::string& image) { images_.push_back(image); }

  // pgdecl in the cluster's folder; what it said goes with any failure that follows.
  CliResult run(const std::string& args) {
    auto result = run_pgdecl(dir_, args);
    UNSCOPED_INFO("pgdecl " << args << " -> " << result.exit_code << "\n" << result.out << result.err);
    return result;
  }

  void write_spec(const std::string& text) { std::ofstream(dir_ / "spec.yaml") << text; }
  const std::string& name() const { return name_; }
  const std::filesystem::path& dir() const { return dir_; }
  docker::Client& docker() { return docker_; }

  int published_port() {
    auto c = docker_.inspect_container(name_ + "-master");
    REQUIRE(c);
    REQUIRE(c->has_value());
    REQUIRE((*c)->published);
    return (*c)->published->host_port;
  }

  std::string superuser_password() {
    auto secrets = state::SecretsFile::open(dir_ / ".pgdecl" / (name_ + ".secrets.json"));
    REQUIRE(secrets);
    auto password = secrets->get("superuser.postgres");
    REQUIRE(password);
    return password->reveal();
  }

  std::unique_ptr<pg::Connection> connect() {
    auto conn = pg::Connection::open({"127.0.0.1", published_port(), "postgres", "postgres"},
                                     Secret(superuser_password()));
    INFO(conn.status().message());
    REQUIRE(conn);
    return std::move(*conn);
  }

 private:
  std::string name_;
  std::filesystem::path dir_;
  docker::Client docker_;
  std::vector<std::string> images_;
};

// The fixture's spec with a login role `app` whose password comes from the
// file app.password in the cluster's folder, written here (0600).
inline void write_spec_with_app_role(ClusterFixture& cluster, const std::string& password) {
  const auto file = cluster.dir() / "app.password";
  std::ofstream(file) << password << "\n";
  std::filesystem::permissions(file,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  cluster.write_spec(spec_text(cluster.name()) +
                     "roles:\n  - name: app\n    login: true\n    password: { file: app.password }\n");
}

// A shell command run in the master's container as the server's user, in
// its data directory.
inline void on_master(ClusterFixture& cluster, const std::string& command) {
  auto done = run_command("docker exec -u postgres -w /var/lib/postgresql/data/pgdata " + cluster.name() +
                          "-master sh -c '" + command + "'");
  INFO(command << "\n" << done.out << done.err);
  REQUIRE(done.exit_code == 0);
}

inline std::string scalar(pg::Connection& c, const std::string& sql) {
  auto rows = c.query(sql);
  INFO(sql << ": " << rows.status().message());
  REQUIRE(rows);
  REQUIRE(rows->rows.size() == 1);
  return rows->rows[0][0].value_or("NULL");
}

}  // namespace pgdecl::testing
