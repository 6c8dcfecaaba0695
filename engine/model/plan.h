#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/model/change.h"

namespace pgdecl::engine {

struct PlanSummary {
  int add = 0;
  int change = 0;
  int destroy = 0;
  int forget = 0;
};

// The intent of one run: plain data, rendered, saved and applied later.
struct Plan {
  std::string cluster;
  std::string lineage;            // of the state it was made against
  std::int64_t state_serial = 0;  // ditto: a plan for an older state is stale
  bool destroy = false;
  // --purge-volumes: data volumes leaving with their containers are removed
  // too. Saved with the plan, so applying it plans again the same way.
  bool purge_volumes = false;
  // --target and --replace, as addresses: saved with the plan for the same
  // reason.
  std::vector<std::string> targets;
  std::vector<std::string> replace;
  // Every resource considered, dependencies before dependents.
  std::vector<PlannedChange> changes;
  // In a destroy: objects at this cluster's Docker names that are not its
  // own ("volume pg-data (it carries no pgdecl.cluster label: ...)"). The
  // destroy leaves them as they are and says so. Not saved with a plan:
  // each refresh finds them again.
  std::vector<std::string> not_ours;
  // What the refresh found wrong that no change of this plan mends (a
  // backup that fails verification, WAL missing from the archive), a line
  // each. Not saved with a plan either.
  std::vector<std::string> warnings;
  // address → addresses it depends on (from the spec and from the state).
  std::map<std::string, std::vector<std::string>> dependencies;
  // address → addresses whose steps it starts after, in this apply only:
  // the order the plan rules add (which node restarts first, one replica
  // at a time). It orders steps, not resources: the state does not record it.
  std::map<std::string, std::vector<std::string>> order;
  // Changes, by address, that their provider carries out as one piece of
  // work (replicas made from one base backup); each is still a step of its
  // own. From the plan rules, saved with the plan.
  std::vector<std::vector<std::string>> batches;

  PlanSummary summary() const;
  bool has_changes() const;
};

}  // namespace pgdecl::engine
