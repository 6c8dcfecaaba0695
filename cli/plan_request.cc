#include "cli/plan_request.h"

#include <set>

#include "cli/options.h"
#include "cluster/desired/desired.h"
#include "cluster/plan_rules/cluster_plan_rules.h"

namespace pgdecl::cli {
namespace {

Result<std::vector<Address>> addresses(const std::vector<std::string>& texts, const char* flag) {
  std::vector<Address> out;
  for (const auto& text : texts) {
    auto address = Address::parse(text);
    if (!address)
      return Status::invalid_argument(std::string(flag) + " " + text +
                                      ": not a resource address (type.name)");
    out.push_back(*address);
  }
  return out;
}

}  // namespace

Result<engine::PlanRequest> plan_request(const spec::ClusterSpec& spec, const state::State& state,
                                         const engine::ProviderRegistry& providers, const Options& options,
                                         bool destroy) {
  engine::PlanRequest request;
  request.cluster = spec.name;
  request.lineage = state.lineage;
  request.state_serial = state.serial;
  request.destroy = destroy;
  auto desired = engine::desired_resources(spec);
  for (const auto& resource : desired) {
    if (!providers.find(resource.address.type)) {
      return Status::invalid_argument("pgdecl " PGDECL_VERSION " cannot manage " + resource.address.type +
                                      " resources yet (" + resource.address.to_string() + " in " +
                                      spec.file.string() + ")");
    }
  }
  // On destroy the spec still names what to look for, so a cluster whose
  // state was lost is torn down all the same.
  std::set<std::string> from_spec;
  for (const auto& resource : desired) {
    request.prior.push_back({resource.address, resource.depends_on});
    from_spec.insert(resource.address.to_string());
  }
  if (!destroy) request.desired = std::move(desired);
  engine::RecordedAttributes recorded;
  for (const auto& [address, record] : state.resources) {
    engine::PriorResource prior{*Address::parse(address), {}, true, record.attributes};
    // What the spec names takes its edges from the roles the cluster has
    // now; the state's may be from before a switchover, and the two
    // together could make a cycle.
    if (!from_spec.count(address)) {
      for (const auto& dependency : record.depends_on)
        prior.depends_on.push_back(*Address::parse(dependency));
    }
    request.prior.push_back(std::move(prior));
    recorded[address] = record.attributes;
  }
  request.rules = engine::cluster_plan_rules(spec, std::move(recorded), options.purge_volumes, options.force);
  auto targets = addresses(options.targets, "--target");
  if (!targets) return targets.status();
  request.targets = std::move(*targets);
  auto replace = addresses(options.replace, "--replace");
  if (!replace) return replace.status();
  request.replace = std::move(*replace);
  return request;
}

}  // namespace pgdecl::cli
