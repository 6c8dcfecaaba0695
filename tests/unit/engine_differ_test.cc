#include <catch2/catch.hpp>

#include "engine/diff/differ.h"

using namespace pgdecl;
using namespace pgdecl::engine;

namespace {
const Address kAddress{"docker_container", "master"};
const AttributeSchema kSchema{{"image", {ChangeKind::kReplace, "the image changes: {before} -> {after}"}},
                              {"state", {ChangeKind::kUpdateInPlace, "the container is {before}"}},
                              {"shared_buffers", {ChangeKind::kRestart, ""}}};
}  // namespace

TEST_CASE("nothing live means create", "[engine][diff]") {
  DesiredResource want{kAddress, {{"image", "postgres:15"}}, {}};
  auto change = diff_resource(kAddress, &want, nullptr, kSchema);
  CHECK(change.action == Action::kCreate);
  REQUIRE(change.changes.size() == 1);
  CHECK_FALSE(change.changes[0].before.has_value());
}

TEST_CASE("equal attributes mean no change, and (any) matches anything", "[engine][diff]") {
  DesiredResource want{kAddress, {{"image", "postgres:15"}, {"publish", kAnyValue}}, {}};
  LiveResource live{"id", {{"image", "postgres:15"}, {"publish", "127.0.0.1:49153"}}, {}};
  CHECK(diff_resource(kAddress, &want, &live, kSchema).action == Action::kNoOp);
}

TEST_CASE("a replacing attribute gives replace with its reason", "[engine][diff]") {
  DesiredResource want{kAddress, {{"image", "postgres:16"}, {"state", "running"}}, {}};
  LiveResource live{"id", {{"image", "postgres:15"}, {"state", "exited"}}, {}};
  auto change = diff_resource(kAddress, &want, &live, kSchema);
  CHECK(change.action == Action::kReplace);
  CHECK(change.reasons ==
        std::vector<std::string>{"the image changes: postgres:15 -> postgres:16", "the container is exited"});
}

TEST_CASE("an in-place attribute gives update; a restart one is marked", "[engine][diff]") {
  DesiredResource want{kAddress, {{"state", "running"}, {"shared_buffers", "256MB"}}, {}};
  LiveResource live{"id", {{"state", "exited"}, {"shared_buffers", "128MB"}}, {}};
  auto change = diff_resource(kAddress, &want, &live, kSchema);
  CHECK(change.action == Action::kUpdate);
  CHECK(change.restart);
}

TEST_CASE("gone from the spec means delete", "[engine][diff]") {
  LiveResource live{"id", {{"image", "postgres:15"}}, {}};
  auto change = diff_resource(kAddress, nullptr, &live, kSchema);
  CHECK(change.action == Action::kDelete);
  CHECK(diff_resource(kAddress, nullptr, nullptr, kSchema).action == Action::kNoOp);
}
