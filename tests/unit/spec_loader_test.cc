#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "cluster/spec/loader.h"

namespace fs = std::filesystem;
using pgdecl::Diagnostic;
using pgdecl::Diagnostics;
using pgdecl::spec::ClusterSpec;
using pgdecl::spec::PullPolicy;
using pgdecl::spec::SecretRef;

namespace {

const fs::path kSourceDir = PGDECL_SOURCE_DIR;
const fs::path kSpecFile = "/project/specs/test.yaml";

const std::string kMinimal = R"(version: 1
name: demo
images:
  postgres:
    tag: postgres:15
volumes:
  master_data: {}
master:
  image: postgres
  volume: master_data
)";

// Loads text that must be valid, failing with the diagnostics otherwise.
ClusterSpec load_ok(const std::string& text, Diagnostics& diagnostics) {
  auto spec = pgdecl::spec::load_spec_text(text, kSpecFile, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec.has_value());
  return *spec;
}

ClusterSpec load_ok(const std::string& text) {
  Diagnostics diagnostics;
  ClusterSpec spec = load_ok(text, diagnostics);
  CHECK(diagnostics.all().empty());
  return spec;
}

}  // namespace

TEST_CASE("the seed cluster spec loads", "[spec]") {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_file(kSourceDir / "specs" / "cluster.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec.has_value());
  CHECK(diagnostics.all().empty());
  CHECK(spec->name == "pgcluster");
  CHECK(spec->network.name == "pg_network");
  CHECK_FALSE(spec->network.subnet.has_value());  // Docker picks a free one
  CHECK(spec->images.at("postgres").tag == "postgres:15");
  CHECK(spec->volumes.size() == 2);
  CHECK(spec->master.name == "master");
  CHECK(spec->master.volume == "master_data");
  CHECK(spec->master.parameters.at("wal_level") == "replica");
  CHECK(spec->master.parameters.at("max_wal_senders") == "10");
  CHECK(spec->master.parameters.at("hot_standby") == "on");
  CHECK(spec->master.hba.size() == 2);
  REQUIRE(spec->replicas.size() == 1);
  CHECK(spec->replicas[0].name == "replica1");
  CHECK(spec->replicas[0].image == "postgres");
  CHECK(spec->replicas[0].volume == "replica1_data");
  CHECK(spec->replication.user == "replicator");
  REQUIRE(spec->roles.size() == 1);
  CHECK(spec->roles[0].replication == true);
  CHECK(spec->roles[0].password->kind == SecretRef::Kind::kGenerate);
  CHECK(spec->dir == (kSourceDir / "specs").lexically_normal());
}

TEST_CASE("the single-node example loads", "[spec]") {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_file(kSourceDir / "specs" / "examples" / "single.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec.has_value());
  CHECK(diagnostics.all().empty());
  CHECK(spec->name == "single");
  CHECK_FALSE(spec->network.subnet.has_value());
  CHECK(spec->replicas.empty());
  CHECK(spec->master.parameters.at("shared_buffers") == "128MB");
  CHECK(spec->master.hba == std::vector<std::string>{"host all all samenet scram-sha-256"});
}

TEST_CASE("the application example loads: its roles, their group and the database's owner", "[spec]") {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_file(kSourceDir / "specs" / "examples" / "app.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(spec.has_value());
  CHECK(diagnostics.all().empty());
  REQUIRE(spec->roles.size() == 4);
  CHECK(spec->roles[0].name == "app_readers");
  CHECK_FALSE(spec->roles[0].password.has_value());
  CHECK(spec->roles[1].name == "app_owner");
  CHECK(spec->roles[1].login == true);
  CHECK(spec->roles[2].name == "app_rw");
  CHECK(spec->roles[2].member_of == std::vector<std::string>{"app_readers"});
  CHECK(spec->roles[2].connection_limit == 20);
  CHECK(spec->roles[3].name == "legacy_report");
  CHECK_FALSE(spec->roles[3].present);
  REQUIRE(spec->databases.size() == 1);
  CHECK(spec->databases[0].name == "appdb");
  CHECK(spec->databases[0].owner == "app_owner");
  CHECK(spec->databases[0].encoding == "UTF8");
  CHECK(spec->databases[0].locale == "C.UTF-8");
}

TEST_CASE("a minimal spec gets the documented defaults", "[spec]") {
  ClusterSpec spec = load_ok(kMinimal);
  CHECK(spec.version == 1);
  CHECK(spec.file == kSpecFile);
  CHECK(spec.dir == fs::path("/project/specs"));
  CHECK(spec.docker.host.empty());
  CHECK(spec.network.name == "network");
  CHECK_FALSE(spec.network.subnet.has_value());
  CHECK(spec.images.at("postgres").pull == PullPolicy::kIfMissing);
  CHECK_FALSE(spec.images.at("postgres").build.has_value());
  CHECK(spec.volumes.at("master_data").prevent_destroy);
  CHECK(spec.master.name == "master");
  CHECK(spec.master.publish.host_ip == "127.0.0.1");
  CHECK(spec.master.publish.port == 0);
  CHECK(spec.master.superuser.name == "postgres");
  CHECK(spec.master.superuser.password.kind == SecretRef::Kind::kGenerate);
  CHECK(spec.replication.user.empty());
  CHECK(spec.replication.slots);
  CHECK(spec.replication.checkpoint == "fast");
  CHECK(spec.roles.empty());
  CHECK(spec.databases.empty());
}

TEST_CASE("replicas count expands to named replicas on declared volumes", "[spec]") {
  ClusterSpec spec = load_ok(kMinimal + R"(replicas: { count: 3, volume_prefix: replica_data }
replication: { user: replicator }
roles:
  - { name: replicator, login: true, replication: true, password: { generate: true } }
)");
  REQUIRE(spec.replicas.size() == 3);
  for (int i = 1; i <= 3; ++i) {
    const auto& replica = spec.replicas[i - 1];
    CHECK(replica.name == "replica" + std::to_string(i));
    CHECK(replica.volume == "replica_data" + std::to_string(i));
    CHECK(replica.image == "postgres");
    CHECK(replica.publish.port == 0);
    REQUIRE(spec.volumes.count(replica.volume) == 1);
    CHECK(spec.volumes.at(replica.volume).prevent_destroy);
  }
}

TEST_CASE("replicas count takes a name prefix and shared settings", "[spec]") {
  ClusterSpec spec = load_ok(kMinimal + R"(  publish: 127.0.0.1:5432
replicas:
  count: 2
  name_prefix: standby
  volume_prefix: standby_data
  parameters: { hot_standby_feedback: on }
  hba: [host all all samenet scram-sha-256]
replication: { user: replicator }
roles:
  - { name: replicator, login: true, replication: true, password: { generate: true } }
)");
  REQUIRE(spec.replicas.size() == 2);
  CHECK(spec.replicas[1].name == "standby2");
  CHECK(spec.replicas[1].volume == "standby_data2");
  CHECK(spec.replicas[1].parameters.at("hot_standby_feedback") == "on");
  CHECK(spec.replicas[1].hba.size() == 1);
}

TEST_CASE("a directory is not a spec", "[spec]") {
  Diagnostics diagnostics;
  CHECK_FALSE(pgdecl::spec::load_spec_file(kSourceDir / "specs", diagnostics).has_value());
  CHECK(diagnostics.has_errors());
}

TEST_CASE("images: pull policy, build context relative to the spec, default tag", "[spec]") {
  ClusterSpec spec = load_ok(R"(version: 1
name: demo
images:
  postgres:
    tag: postgres:15
    pull: always
  custom:
    build:
      context: ../images/postgres
      dockerfile: Dockerfile.pg
      args: { PG_MAJOR: 15, FLAVOUR: slim }
volumes:
  master_data: {}
master:
  image: custom
  volume: master_data
)");
  CHECK(spec.images.at("postgres").pull == PullPolicy::kAlways);
  const auto& custom = spec.images.at("custom");
  REQUIRE(custom.build.has_value());
  CHECK(custom.build->context == fs::path("/project/images/postgres"));
  CHECK(custom.build->dockerfile == "Dockerfile.pg");
  CHECK(custom.build->args.at("PG_MAJOR") == "15");
  CHECK(custom.tag == "pgdecl/demo:custom");
}

TEST_CASE("an inline password loads with a warning; a SCRAM verifier without one", "[spec]") {
  const std::string verifier =
      "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$dGVzdHN0b3JlZGtleQ==:dGVzdHNlcnZlcmtleQ==";
  Diagnostics diagnostics;
  ClusterSpec spec = load_ok(kMinimal + "roles:\n  - name: app\n    password: hunter2\n" +
                                 "  - name: hashed\n    password: \"" + verifier + "\"\n",
                             diagnostics);
  REQUIRE(diagnostics.all().size() == 1);
  const Diagnostic& warning = diagnostics.all()[0];
  CHECK(warning.severity == Diagnostic::Severity::kWarning);
  CHECK(warning.to_string() ==
        "/project/specs/test.yaml:13:15: warning: password written inline in the spec; "
        "prefer { env: VAR }, { file: PATH } or { generate: true }");
  CHECK(spec.roles[0].password->kind == SecretRef::Kind::kLiteral);
  CHECK(spec.roles[0].password->value == "hunter2");
  CHECK(spec.roles[1].password->kind == SecretRef::Kind::kScramVerifier);
  CHECK(spec.roles[1].password->value == verifier);
}

TEST_CASE("env and file secrets are references; a file is checked to be there, never read", "[spec]") {
  const fs::path dir = fs::temp_directory_path() / ("pgdecl-loader-" + std::to_string(::getpid()));
  fs::create_directories(dir / "secrets");
  std::ofstream(dir / "secrets" / "app.password") << "not read by the loader\n";
  fs::permissions(dir / "secrets" / "app.password", fs::perms::owner_read | fs::perms::owner_write);
  Diagnostics diagnostics;
  auto loaded = pgdecl::spec::load_spec_text(kMinimal + R"(roles:
  - name: app
    password: { file: secrets/app.password }
  - name: ops
    password: { env: PGDECL_SURELY_UNSET_VARIABLE }
  - name: keep
)",
                                             dir / "test.yaml", diagnostics);
  fs::remove_all(dir);
  INFO(diagnostics.to_string());
  REQUIRE(loaded);
  CHECK(diagnostics.all().empty());
  const ClusterSpec& spec = *loaded;
  const SecretRef& file = *spec.roles[0].password;
  CHECK(file.kind == SecretRef::Kind::kFile);
  CHECK(file.value == (dir / "secrets" / "app.password").string());
  CHECK(file.pos.line == 13);
  CHECK(file.pos.column == 23);
  CHECK(spec.roles[1].password->kind == SecretRef::Kind::kEnv);
  CHECK(spec.roles[1].password->value == "PGDECL_SURELY_UNSET_VARIABLE");
  CHECK_FALSE(spec.roles[2].password.has_value());
}

TEST_CASE("parameter values keep their text; YAML integers become decimal text", "[spec]") {
  ClusterSpec spec = load_ok(kMinimal + R"(  parameters:
    shared_buffers: 1GB
    hot_standby: on
    synchronous_commit: "off"
    max_connections: 200
    work_mem: 0x10
    checkpoint_completion_target: 0.9
    Log_Min_Duration_Statement: "010"
    search_path: '"$user", public'
)");
  const auto& p = spec.master.parameters;
  CHECK(p.at("shared_buffers") == "1GB");
  CHECK(p.at("hot_standby") == "on");
  CHECK(p.at("synchronous_commit") == "off");
  CHECK(p.at("max_connections") == "200");
  CHECK(p.at("work_mem") == "16");
  CHECK(p.at("checkpoint_completion_target") == "0.9");
  CHECK(p.at("log_min_duration_statement") == "010");  // names ignore case; quoted text stays
  CHECK(p.at("search_path") == "\"$user\", public");
}

TEST_CASE("hostile role and database names load unchanged", "[spec]") {
  const std::string hostile = "we\"ird; drop role app; --";
  ClusterSpec spec = load_ok(kMinimal + R"(roles:
  - name: 'we"ird; drop role app; --'
    login: true
    member_of: [pg_read_all_data]
  - name: app
    member_of: ['we"ird; drop role app; --']
databases:
  - name: 'we"ird; drop role app; --'
    owner: 'we"ird; drop role app; --'
  - name: postgres_owned
    owner: postgres
)");
  CHECK(spec.roles[0].name == hostile);
  CHECK(spec.roles[1].member_of == std::vector<std::string>{hostile});
  CHECK(spec.databases[0].name == hostile);
  CHECK(spec.databases[0].owner == hostile);
}

TEST_CASE("roles and databases read every field", "[spec]") {
  ClusterSpec spec = load_ok(kMinimal + R"(roles:
  - name: app
    login: true
    createdb: false
    connection_limit: 20
    valid_until: "2030-01-01"
    member_of: [readers]
  - name: readers
  - name: old
    ensure: absent
databases:
  - name: appdb
    owner: app
    encoding: UTF8
    locale: C.UTF-8
  - name: gone
    ensure: absent
)");
  const auto& app = spec.roles[0];
  CHECK(app.login == true);
  CHECK(app.createdb == false);
  CHECK_FALSE(app.superuser.has_value());
  CHECK(app.connection_limit == 20);
  CHECK(app.valid_until == "2030-01-01");
  CHECK(app.present);
  CHECK_FALSE(spec.roles[2].present);
  CHECK(spec.databases[0].owner == "app");
  CHECK(spec.databases[0].encoding == "UTF8");
  CHECK(spec.databases[0].locale == "C.UTF-8");
  CHECK_FALSE(spec.databases[1].present);
}

TEST_CASE("publish, docker host and volume options", "[spec]") {
  ClusterSpec spec = load_ok(R"(version: 1
name: demo
docker: { host: "tcp://127.0.0.1:2375" }
images: { postgres: { tag: "postgres:15" } }
volumes:
  master_data: { prevent_destroy: false }
  replica1_data:
master:
  image: postgres
  volume: master_data
  publish: 0.0.0.0:5432
replicas:
  - name: replica1
    volume: replica1_data
    publish: { host_ip: "::1", port: 5433 }
replication: { user: rep, slots: false, checkpoint: spread }
roles: [{ name: rep, login: true, replication: true, password: { generate: true } }]
)");
  CHECK(spec.docker.host == "tcp://127.0.0.1:2375");
  CHECK_FALSE(spec.volumes.at("master_data").prevent_destroy);
  CHECK(spec.volumes.at("replica1_data").prevent_destroy);
  CHECK(spec.master.publish.host_ip == "0.0.0.0");
  CHECK(spec.master.publish.port == 5432);
  CHECK(spec.replicas[0].publish.host_ip == "::1");
  CHECK(spec.replicas[0].publish.port == 5433);
  CHECK_FALSE(spec.replication.slots);
  CHECK(spec.replication.checkpoint == "spread");
}

TEST_CASE("a missing spec file is one error naming the file", "[spec]") {
  Diagnostics diagnostics;
  auto spec = pgdecl::spec::load_spec_file("/nonexistent/pgdecl.yaml", diagnostics);
  CHECK_FALSE(spec.has_value());
  CHECK(diagnostics.to_string() ==
        "/nonexistent/pgdecl.yaml: error: cannot read the spec: No such file or directory\n");
}

TEST_CASE("owned parameters explain themselves", "[spec]") {
  const auto& owned = pgdecl::spec::owned_parameters();
  for (const char* name : {"port", "listen_addresses", "primary_conninfo", "primary_slot_name", "hba_file",
                           "config_file", "data_directory", "cluster_name"}) {
    INFO(name);
    REQUIRE(owned.count(name) == 1);
    CHECK_FALSE(owned.at(name).empty());
  }
}

TEST_CASE("a replica takes the master's parameters under its own, and its hba unless it has one", "[spec]") {
  std::string text = kMinimal;
  text.replace(text.find("  volume: master_data\n"), 22,
               "  volume: master_data\n  parameters: { max_connections: 200, work_mem: 8MB }\n"
               "  hba: [\"host all all samenet scram-sha-256\"]\n");
  text.replace(text.find("  master_data: {}\n"), 18, "  master_data: {}\n  r1: {}\n  r2: {}\n");
  ClusterSpec spec = load_ok(text + R"(replicas:
  - name: replica1
    volume: r1
    parameters: { work_mem: 64MB }
  - name: replica2
    volume: r2
    hba: ["host all app samenet scram-sha-256"]
replication: { user: replicator }
roles:
  - { name: replicator, login: true, replication: true, password: { generate: true } }
)");
  REQUIRE(spec.replicas.size() == 2);
  CHECK(spec.replicas[0].parameters ==
        std::map<std::string, std::string>{{"max_connections", "200"}, {"work_mem", "64MB"}});
  CHECK(spec.replicas[0].hba == std::vector<std::string>{"host all all samenet scram-sha-256"});
  CHECK(spec.replicas[1].parameters.at("max_connections") == "200");
  CHECK(spec.replicas[1].hba == std::vector<std::string>{"host all app samenet scram-sha-256"});
}
