// What a run promises whatever else happens on the machine: the state's
// lock never lets a read stand in an apply's way, plan files are private
// and cannot aim pgdecl at anything the spec and state do not name, no
// core dump can carry a secret, and --replace never resurrects what the
// spec wants gone.
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include "state/lock.h"
#include "tests/e2e/background_pgdecl.h"
#include "tests/e2e/cluster_fixture.h"

namespace pgdecl::testing {
namespace {

std::filesystem::path state_file(ClusterFixture& cluster) {
  return cluster.dir() / ".pgdecl" / (cluster.name() + ".state.json");
}

unsigned mode_of(const std::filesystem::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE(
    "while an apply holds the state, plan and status still run, and another apply waits or says who holds it",
    "[e2e][docker][postgres]") {
  ClusterFixture cluster("lock");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  // This process stands for an apply in flight.
  auto held = state::StateLock::acquire(state_file(cluster));
  REQUIRE(held);

  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
  CHECK(cluster.run("status -f spec.yaml").exit_code == 0);

  auto refused = cluster.run("apply -f spec.yaml --auto-approve");
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "is locked by pid " + std::to_string(::getpid())));

  auto waited = cluster.run("destroy -f spec.yaml --auto-approve --lock-timeout 1s");
  CHECK(waited.exit_code == 1);
  CHECK(contains(waited.err, "(another pgdecl run?) (waited 1s)"));

  auto bad = cluster.run("apply -f spec.yaml --auto-approve --lock-timeout soon");
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.err, "--lock-timeout soon: not a duration"));

  // Let go while an apply waits: it goes ahead.
  BackgroundPgdecl apply(cluster.dir(), "apply -f spec.yaml --auto-approve --lock-timeout 60s");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  held->reset();
  auto applied = apply.wait(std::chrono::seconds(90));
  INFO(applied.out << applied.err);
  CHECK(applied.exit_code == 0);
}

TEST_CASE("pgdecl never dumps core, so no secret it holds reaches the disk", "[e2e]") {
  auto dir = std::filesystem::temp_directory_path() / ("pgdecl-e2e-core-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "spec.yaml") << spec_text("e2e-core-" + std::to_string(::getpid()));
  {
    // pgdecl waits for the lock with its passwords read; the shell asks for
    // core dumps (core_pattern "core" writes one into the folder).
    auto held = state::StateLock::acquire(dir / ".pgdecl" /
                                          ("e2e-core-" + std::to_string(::getpid()) + ".state.json"));
    REQUIRE(held);
    rlimit before{};
    REQUIRE(::getrlimit(RLIMIT_CORE, &before) == 0);
    const rlimit dumps{RLIM_INFINITY, RLIM_INFINITY};
    REQUIRE(::setrlimit(RLIMIT_CORE, &dumps) == 0);
    BackgroundPgdecl waiting(dir, "apply -f spec.yaml --auto-approve --lock-timeout 60s");
    REQUIRE(::setrlimit(RLIMIT_CORE, &before) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // SIGQUIT dumps core by default, and no sanitizer takes it over.
    waiting.signal(SIGQUIT);
    auto crashed = waiting.wait(std::chrono::seconds(30));
    CHECK(crashed.exit_code == -1);
  }
  bool core_written = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    core_written |= entry.path().filename().string().rfind("core", 0) == 0;
  }
  CHECK_FALSE(core_written);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a saved plan is private, and an edited one cannot aim pgdecl at another object",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("planfile");
  std::string two_volumes = spec_text(cluster.name());
  two_volumes.replace(two_volumes.find("  data: {}\n"), 11,
                      "  data: {}\n  spare:\n    prevent_destroy: false\n");
  cluster.write_spec(two_volumes);
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  // Someone else's volume, which no spec or state of this cluster names.
  const std::string foreign = cluster.name() + "-bystander";
  REQUIRE(cluster.docker().create_volume(foreign, {}));

  cluster.write_spec(spec_text(cluster.name()));
  std::ofstream(cluster.dir() / "old.plan") << "an older file, readable by all";
  std::filesystem::permissions(cluster.dir() / "old.plan", static_cast<std::filesystem::perms>(0644));
  REQUIRE(cluster.run("plan -f spec.yaml --out old.plan").exit_code == 0);
  CHECK(mode_of(cluster.dir() / "old.plan") == 0600);

  // The plan removes the spare volume; the edit points that removal at the
  // bystander.
  std::string text = slurp(cluster.dir() / "old.plan");
  const std::string spare = "\"" + cluster.name() + "-spare\"";
  REQUIRE(contains(text, spare));
  for (auto at = text.find(spare); at != std::string::npos; at = text.find(spare, at + 1)) {
    text.replace(at, spare.size(), "\"" + foreign + "\"");
  }
  std::ofstream(cluster.dir() / "old.plan", std::ios::trunc) << text;
  auto applied = cluster.run("apply old.plan");
  CHECK(applied.exit_code == 0);
  auto bystander = cluster.docker().inspect_volume(foreign);
  REQUIRE(bystander);
  CHECK(bystander->has_value());
  auto spare_volume = cluster.docker().inspect_volume(cluster.name() + "-spare");
  REQUIRE(spare_volume);
  CHECK_FALSE(spare_volume->has_value());
  cluster.docker().remove_volume(foreign);
}

TEST_CASE("--replace of a role or database the spec marks absent drops it and makes nothing",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("replace-absent");
  REQUIRE(cluster.run("apply -f spec.yaml --auto-approve").exit_code == 0);
  auto c = cluster.connect();
  REQUIRE(c->execute("create role gone"));
  REQUIRE(c->execute("create database gonedb"));
  cluster.write_spec(spec_text(cluster.name()) +
                     "roles:\n  - name: gone\n    ensure: absent\n"
                     "databases:\n  - name: gonedb\n    ensure: absent\n");

  auto applied =
      cluster.run("apply -f spec.yaml --auto-approve --replace pg_role.gone --replace pg_database.gonedb");
  CHECK(applied.exit_code == 0);
  CHECK(contains(applied.out, "--replace makes nothing here: the spec does not ask for it to exist"));
  CHECK(scalar(*c, "select count(*) from pg_roles where rolname = 'gone'") == "0");
  CHECK(scalar(*c, "select count(*) from pg_database where datname = 'gonedb'") == "0");
  CHECK(cluster.run("plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

}  // namespace pgdecl::testing
