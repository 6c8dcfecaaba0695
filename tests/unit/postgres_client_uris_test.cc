#include <catch2/catch.hpp>

#include "providers/postgres/node/client_uris.h"

using namespace pgdecl;
using pgdecl::spec::NodeRole;

TEST_CASE("client URIs list the master first for writes and the replicas first for reads", "[unit]") {
  const std::vector<pg::ClientEndpoint> endpoints = {{"master", NodeRole::kMaster, {"127.0.0.1", 5432}},
                                                     {"r1", NodeRole::kReplica, {"::1", 5433}},
                                                     {"r2", NodeRole::kReplica, {"10.0.0.5", 5434}}};
  const auto uris = pg::client_uris(endpoints, "app");
  CHECK(uris.read_write ==
        "postgresql://127.0.0.1:5432,[::1]:5433,10.0.0.5:5434/app?target_session_attrs=read-write");
  CHECK(uris.read_only ==
        "postgresql://[::1]:5433,10.0.0.5:5434,127.0.0.1:5432/app?target_session_attrs=prefer-standby");
}
