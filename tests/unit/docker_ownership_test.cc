// Ownership decisions against a scripted engine: an object at a name
// pgdecl would use that is not this resource's is refused, never adopted.

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "cluster/spec/model.h"
#include "engine/core/address.h"
#include "providers/docker/cluster_snapshot.h"
#include "providers/docker/resource_providers.h"
#include "tests/support/fake_transport.h"

namespace pgdecl::docker {
namespace {

using testing::FakeAnswer;
using testing::FakeTransport;

struct FakeDocker {
  FakeDocker() {
    auto owned = std::make_unique<FakeTransport>();
    fake = owned.get();
    client = std::make_unique<Client>(std::move(owned));
  }
  // Nothing labelled with the cluster; rules set before this one win.
  void empty_lists() {
    fake->on("GET", "/containers/json", {200, "[]", 0, {}, {}});
    fake->on("GET", "/networks", {200, "[]", 0, {}, {}});
    fake->on("GET", "/volumes?", {200, R"({"Volumes":[]})", 0, {}, {}});
  }
  FakeTransport* fake;
  std::unique_ptr<Client> client;
};

const char* kOtherClustersVolume =
    R"({"Name":"pg-2-data","Labels":{"pgdecl.cluster":"pg-2","pgdecl.address":"docker_volume.data"}})";

TEST_CASE("a volume at this cluster's name that another cluster labelled is refused, naming both",
          "[ownership]") {
  FakeDocker docker;
  docker.fake->on("GET", "/volumes/pg-2-data", {200, kOtherClustersVolume, 0, {}, {}});
  docker.empty_lists();
  ClusterSnapshot snapshot(*docker.client, "pg");

  auto volume = snapshot.volume("2-data");
  REQUIRE_FALSE(volume);
  CHECK(volume.status().message() ==
        "volume pg-2-data already exists and is not this cluster's: it belongs to cluster pg-2 as "
        "docker_volume.data; cluster pg would use that name for docker_volume.2-data. pgdecl does not "
        "create over, mount or remove it: remove or rename it, or rename the cluster or the resource in "
        "the spec");
  CHECK(docker.fake->only_reads());
}

TEST_CASE("an unlabelled container at a node's name is refused; a missing one is simply not there",
          "[ownership]") {
  FakeDocker docker;
  docker.fake->on("GET", "/containers/pg-master/json",
                  {200, R"({"Id":"abc","Name":"/pg-master","Config":{"Labels":{}}})", 0, {}, {}});
  docker.fake->on("GET", "/containers/pg-replica1/json",
                  {404, R"({"message":"No such container"})", 0, {}, {}});
  docker.empty_lists();
  ClusterSnapshot snapshot(*docker.client, "pg");

  auto master = snapshot.container("master");
  REQUIRE_FALSE(master);
  CHECK(master.status().message().find("container pg-master already exists and is not this cluster's: it "
                                       "carries no pgdecl.cluster label") == 0);
  auto replica = snapshot.container("replica1");
  REQUIRE(replica);
  CHECK_FALSE(replica->has_value());
}

TEST_CASE("a container of this cluster labelled as another of its resources is refused", "[ownership]") {
  FakeDocker docker;
  docker.fake->on(
      "GET", "/containers/json",
      {200,
       R"([{"Id":"abc","Names":["/pg-r1-probe"],"State":"running","Labels":{"pgdecl.cluster":"pg",)"
       R"("pgdecl.address":"pg_replica.r1","pgdecl.helper":"probe"}}])",
       0,
       {},
       {}},
      1);
  docker.empty_lists();
  ClusterSnapshot snapshot(*docker.client, "pg");
  auto node = snapshot.container("r1-probe");
  REQUIRE_FALSE(node);
  CHECK(node.status().message().find("it belongs to cluster pg as pg_replica.r1 (probe helper); cluster pg "
                                     "would use that name for docker_container.r1-probe") !=
        std::string::npos);
}

TEST_CASE("a volume create that Docker answers with another cluster's volume fails the apply",
          "[ownership]") {
  FakeDocker docker;
  // Docker answers 201 and the volume already at that name.
  docker.fake->on("POST", "/volumes/create", {201, kOtherClustersVolume, 0, {}, {}});
  ClusterSnapshot snapshot(*docker.client, "pg");
  spec::ClusterSpec spec;
  spec.name = "pg";
  auto provider = make_volume_provider(snapshot, spec);
  engine::PlannedChange change;
  change.address = Address{resource_type::kVolume, "2-data"};
  change.action = engine::Action::kCreate;
  change.after = engine::DesiredResource{change.address, {{"name", "pg-2-data"}}, {}};

  auto outcome = provider->apply(change);
  REQUIRE_FALSE(outcome.status);
  CHECK(outcome.status.message().find("volume pg-2-data already exists and is not this cluster's") == 0);
  CHECK_FALSE(outcome.live);
}

}  // namespace
}  // namespace pgdecl::docker
