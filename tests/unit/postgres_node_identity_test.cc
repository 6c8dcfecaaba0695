#include <catch2/catch.hpp>

#include "providers/postgres/session/node_identity.h"

namespace pgdecl::pg {
namespace {

bool says(const Status& s, const std::string& part) { return s.message().find(part) != std::string::npos; }

TEST_CASE("a server is the node when its cluster_name and system identifier say so", "[postgres][identity]") {
  const NodeIdentity master{"master", "7300000000000000001"};
  CHECK(judge_node_identity("master", "127.0.0.1:5432", master, std::nullopt));
  CHECK(judge_node_identity("master", "127.0.0.1:5432", master, std::string("7300000000000000001")));
  // A node started before pgdecl named its nodes has no cluster_name yet.
  CHECK(judge_node_identity("master", "127.0.0.1:5432", {"", "7300000000000000001"}, std::nullopt));
}

TEST_CASE("another node, or another cluster's data, is refused with both names", "[postgres][identity]") {
  Status other_node = judge_node_identity("master", "127.0.0.1:5432", {"replica1", "1"}, std::nullopt);
  CHECK_FALSE(other_node);
  CHECK(says(other_node, "the server at 127.0.0.1:5432 is node 'replica1' (its cluster_name), not 'master'"));

  Status other_data = judge_node_identity("master", "127.0.0.1:5432", {"master", "7300000000000000002"},
                                          std::string("7300000000000000001"));
  CHECK_FALSE(other_data);
  CHECK(says(other_data,
             "holds the cluster with system identifier 7300000000000000002, but the state records "
             "7300000000000000001 for this node"));
  CHECK(says(other_data, "pgdecl apply --replace docker_container.master"));
}

}  // namespace
}  // namespace pgdecl::pg
