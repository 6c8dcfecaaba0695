#include <catch2/catch.hpp>

#include "cluster/plan_rules/copy_batch.h"

using namespace pgdecl;
using namespace pgdecl::engine;

namespace {

PlannedChange replica(const char* name, Action action, bool volume_there) {
  PlannedChange change;
  change.address = {resource_type::kReplica, name};
  change.action = action;
  if (volume_there) change.before = LiveResource{name, {{"data", "no data yet"}}, {}};
  return change;
}

}  // namespace

TEST_CASE("replicas copied into volumes the plan makes are copied together", "[engine][replica]") {
  Plan plan;
  plan.changes = {replica("r1", Action::kCreate, false), replica("r2", Action::kNoOp, false),
                  replica("r3", Action::kCreate, false), replica("r4", Action::kCreate, true),
                  replica("r5", Action::kUpdate, true)};
  batch_new_copies(plan);
  // r4's volume was there when the plan read it: what it holds is checked
  // first, so it copies on its own.
  CHECK(plan.batches == std::vector<std::vector<std::string>>{{"pg_replica.r1", "pg_replica.r3"}});
}

TEST_CASE("one new copy is no batch", "[engine][replica]") {
  Plan plan;
  plan.changes = {replica("r1", Action::kCreate, false), replica("r2", Action::kCreate, true)};
  batch_new_copies(plan);
  CHECK(plan.batches.empty());
}
