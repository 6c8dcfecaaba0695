#include <catch2/catch.hpp>

#include "tests/e2e/cluster_fixture.h"

using namespace pgdecl;
using pgdecl::testing::ClusterFixture;
using pgdecl::testing::run_pgdecl;
using pgdecl::testing::scalar;
using pgdecl::testing::spec_text;

namespace {
// Valid in shape, but PostgreSQL refuses it while SSL is off.
const std::string kRejectedHba = "    - hostssl all all samenet scram-sha-256\n";
}  // namespace

TEST_CASE("a pg_hba.conf the server rejects is rolled back, with the server's reason",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("hba-rollback");
  REQUIRE(run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve").exit_code == 0);
  cluster.write_spec(spec_text(cluster.name(), kRejectedHba));

  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  CHECK(applied.exit_code == 1);
  CHECK(applied.err.find("the server rejects the new pg_hba.conf; the previous one stays in force") !=
        std::string::npos);
  CHECK(applied.err.find("hostssl record cannot match because SSL is disabled") != std::string::npos);

  auto c = cluster.connect();
  CHECK(scalar(*c, "select count(*) from pg_hba_file_rules where error is not null") == "0");
  CHECK(scalar(*c, "select count(*) from pg_hba_file_rules where type = 'hostssl'") == "0");
  // Still different from the spec, so the next plan says so again.
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 2);
}

TEST_CASE(
    "a new cluster starts on pgdecl's own rules, so a rejected hba never stops it and a fixed spec mends it",
    "[e2e][docker][postgres]") {
  ClusterFixture cluster("new-bad-hba");
  cluster.write_spec(spec_text(cluster.name(), kRejectedHba));
  auto failed = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("pg_hba.master: the server rejects the new pg_hba.conf") != std::string::npos);
  CHECK(failed.err.find("hostssl record cannot match because SSL is disabled") != std::string::npos);
  CHECK(scalar(*cluster.connect(), "select count(*) from pg_hba_file_rules where error is not null") == "0");

  cluster.write_spec(spec_text(cluster.name()));
  auto mended = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(mended.out << mended.err);
  REQUIRE(mended.exit_code == 0);
  CHECK(scalar(*cluster.connect(), "select count(*) from pg_hba_file_rules where address = 'samenet'") ==
        "1");
  CHECK(run_pgdecl(cluster.dir(), "plan -f spec.yaml --detailed-exitcode").exit_code == 0);
}

TEST_CASE("parameters are checked against the server before they are written", "[e2e][docker][postgres]") {
  ClusterFixture cluster("bad-params");
  REQUIRE(run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve").exit_code == 0);
  const std::string good = spec_text(cluster.name());
  for (const auto& [written, reason] : std::vector<std::pair<std::string, std::string>>{
           {"work_mem: lots", "master.parameters.work_mem: 'lots' is not a valid integer (unit kB)"},
           {"work_mem: 3TB", "master.parameters.work_mem: '3TB' is outside 64 .. 2147483647 (unit kB)"},
           {"no_such_setting: 1", "master.parameters: unknown parameter 'no_such_setting'"}}) {
    std::string spec = good;
    spec.replace(spec.find("work_mem: 8MB"), 13, written);
    cluster.write_spec(spec);
    auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
    INFO(applied.out << applied.err);
    CHECK(applied.exit_code == 1);
    CHECK(applied.err.find(reason) != std::string::npos);
  }
  auto c = cluster.connect();
  CHECK(scalar(*c, "show work_mem") == "8MB");
  CHECK(scalar(*c, "select count(*) from pg_file_settings where setting in ('lots', '3TB')") == "0");
}

TEST_CASE("a start-only setting the server cannot start with is taken back, and the server runs on",
          "[e2e][docker][postgres]") {
  ClusterFixture cluster("bad-restart");
  REQUIRE(run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve").exit_code == 0);
  std::string spec = spec_text(cluster.name());
  // In range for the catalog, but more shared memory than the machine has.
  spec.replace(spec.find("work_mem: 8MB"), 13, "work_mem: 8MB\n    shared_buffers: 900GB");
  cluster.write_spec(spec);
  auto applied = run_pgdecl(cluster.dir(), "apply -f spec.yaml --auto-approve");
  INFO(applied.out << applied.err);
  CHECK(applied.exit_code == 1);
  CHECK(
      applied.err.find("the server did not start with the new settings, so the previous settings are back in "
                       "force") != std::string::npos);
  auto c = cluster.connect();
  CHECK(scalar(*c, "show shared_buffers") == "128MB");
  CHECK(scalar(*c,
               "select count(*) from pg_file_settings where name = 'shared_buffers' and sourcefile like "
               "'%pgdecl.conf'") == "0");
}
