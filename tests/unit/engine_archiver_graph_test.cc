// What a backup section asks for: the archiver's slot on the primary, the
// archiver after it, and the primary's wait for a synchronous archiver.

#include <catch2/catch.hpp>

#include "cluster/render/postgres_config.h"
#include "cluster/spec/loader.h"
#include "tests/support/desired_support.h"

using namespace pgdecl;
using namespace pgdecl::engine;

using pgdecl::testing::depends;

namespace {

const char* kSpec = R"(version: 1
name: arch
network: { name: net }
images: { postgres: { tag: "postgres:15" } }
volumes: { master_data: {}, replica_data: {}, backups: {} }
master: { name: master, image: postgres, volume: master_data }
replicas: [ { name: replica1, volume: replica_data } ]
replication: { user: replicator }
backup: { volume: backups, synchronous: true }
roles:
  - { name: replicator, login: true, replication: true, password: { generate: true } }
)";

}  // namespace

TEST_CASE("a backup section asks for the archiver and its slot", "[archive]") {
  auto desired = testing::desired_by_address(kSpec);
  const Address archiver{resource_type::kArchiver, "archiver"};
  REQUIRE(desired.count(archiver));
  const auto& resource = desired.at(archiver);
  CHECK(resource.attributes.at("archive") == "arch-backups");
  CHECK(resource.attributes.at("synchronous") == "true");
  CHECK(depends(resource, "pg_slot.archiver"));
  CHECK(depends(resource, "docker_volume.backups"));
  CHECK(depends(resource, "docker_container.master"));
  CHECK(depends(resource, "pg_role.replicator"));
  CHECK(desired.at({resource_type::kSlot, "archiver"}).attributes.at("slot_name") == "pgdecl_archiver");
}

TEST_CASE("without a backup section there is no archiver", "[archive]") {
  std::string text = kSpec;
  text.erase(text.find("backup: {"), text.find("roles:") - text.find("backup: {"));
  auto desired = testing::desired_by_address(text.c_str());
  CHECK_FALSE(desired.count({resource_type::kArchiver, "archiver"}));
  CHECK_FALSE(desired.count({resource_type::kSlot, "archiver"}));
}

TEST_CASE("a synchronous archiver is every node's synchronous standby", "[archive]") {
  Diagnostics diagnostics;
  auto spec = spec::load_spec_text(kSpec, "/tmp/archiver-test.yaml", diagnostics);
  REQUIRE(spec);
  for (const auto* node : spec->nodes()) {
    const auto settings = settings_in_file(render_owned_settings(*spec, *node));
    CHECK(settings.at("synchronous_standby_names") == "\"pgdecl_archiver\"");
  }
  spec->backup.synchronous = false;
  CHECK_FALSE(
      settings_in_file(render_owned_settings(*spec, spec->primary())).count("synchronous_standby_names"));
}
