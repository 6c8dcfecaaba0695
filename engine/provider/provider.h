#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/model/change.h"
#include "engine/model/plan.h"
#include "engine/model/resource.h"

namespace pgdecl::engine {

// What applying one change left behind. The live object is the best the
// provider knows even when status is an error, so the engine can record
// what was done before the failure.
struct ApplyOutcome {
  Status status;
  std::optional<LiveResource> live;  // nullopt: the object no longer exists
};

// One resource type, Terraform's split: read the live object, plan (pure),
// apply. A destroy is an apply towards nothing.
class ResourceProvider {
 public:
  virtual ~ResourceProvider() = default;

  virtual std::string type() const = 0;

  // The live object, or nullopt when it is not there. Reads only.
  virtual Result<std::optional<LiveResource>> read(const Address& address) = 0;

  // Pure: no side effects. The default compares attributes by schema().
  virtual PlannedChange plan(const Address& address, const DesiredResource* desired,
                             const LiveResource* live) const;

  virtual ApplyOutcome apply(const PlannedChange& change) = 0;

  // Called once before an apply of `plan` takes its first step, so that a
  // provider can see what the plan does beyond one change (whether it
  // starts the master, which changes it carries out together). The plan
  // is all it is told: a saved plan is applied the same way.
  virtual void begin_apply(const Plan& /*plan*/) {}

  virtual AttributeSchema schema() const { return {}; }

  // True when a replacement of something this resource depends on (its
  // network, its image) means this resource must be made again too.
  virtual bool replaced_with_dependencies() const { return false; }

  // What becomes of this resource when a dependency's data is made anew
  // (a replaced resource that holds user data, or a change with
  // remakes_data: a master moved to an empty volume, a replica copied
  // again). The planner says so in the plan, so apply does no more and no
  // less than it shows.
  enum class OnNewData {
    kKept,        // it does not live in that data
    kApplyAgain,  // a file in it (pg_hba.conf): written again, even when it matched
    kMakeAgain,   // an object in it (a role): made again there
    kCopyAgain,   // a copy of it (a replica's data): copied again, what it held goes
  };
  virtual OnNewData on_new_data() const { return OnNewData::kKept; }

  // For kApplyAgain: `change` (an update) writes the resource again into
  // new data. The provider adds what that means beyond the live
  // differences: the settings of a new server are its defaults, so every
  // value the spec sets is a change, and one read only at start restarts it.
  virtual void plan_written_again(PlannedChange& /*change*/) const {}

  // True when deleting or replacing the object loses user data (a
  // database): the plan says so in words no one can miss.
  virtual bool holds_user_data() const { return false; }

  // Attributes no read can see (a volume's prevent_destroy): the planner
  // puts the value the state recorded over what read() returned, so they
  // converge like the others and are still known once the resource has
  // left the spec.
  virtual std::vector<std::string> recorded_attributes() const { return {}; }

  // True for a point in the graph rather than a resource: a node's
  // connection, which is ready only when its server accepts connections.
  // A gate is neither read, planned, shown nor recorded; apply passes it
  // (calls apply() with a no-op change) before any change that depends on
  // it, so those wait for it and fail together when it cannot be passed.
  virtual bool is_gate() const { return false; }
};

// The providers of one run, by resource type.
class ProviderRegistry {
 public:
  void add(std::unique_ptr<ResourceProvider> provider);
  ResourceProvider* find(const std::string& type) const;  // nullptr when none
  void for_each(const std::function<void(ResourceProvider&)>& visit) const;

 private:
  std::map<std::string, std::unique_ptr<ResourceProvider>> providers_;
};

}  // namespace pgdecl::engine
