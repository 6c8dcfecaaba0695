#include "engine/plan/planner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>

#include "engine/graph/resource_graph.h"
#include "engine/graph/walker.h"
#include "engine/plan/step_order.h"

namespace pgdecl::engine {
namespace {

// Enough for every node of a large cluster to be read at once; the threads
// mostly wait on the network.
constexpr int kReadParallelism = 8;

struct Inputs {
  ResourceGraph graph;
  std::map<Address, const DesiredResource*> desired;
  std::set<Address> recorded;
  std::map<Address, const Attributes*> recorded_attributes;
};

Result<Inputs> build_graph(const PlanRequest& request) {
  Inputs inputs;
  for (const auto& resource : request.desired) {
    inputs.graph.add(resource.address);
    inputs.desired[resource.address] = &resource;
  }
  for (const auto& resource : request.desired) {
    for (const auto& dependency : resource.depends_on) {
      inputs.graph.add_dependency(resource.address, dependency);
    }
  }
  // Resources that only the state knows keep their old edges, which order
  // their destruction.
  for (const auto& prior : request.prior) {
    inputs.graph.add(prior.address);
    if (prior.recorded) {
      inputs.recorded.insert(prior.address);
      inputs.recorded_attributes[prior.address] = &prior.attributes;
    }
    if (inputs.desired.count(prior.address)) continue;
    for (const auto& dependency : prior.depends_on) inputs.graph.add_dependency(prior.address, dependency);
  }
  return inputs;
}

Status check_known(const std::vector<Address>& addresses, const ResourceGraph& graph,
                   const ProviderRegistry& providers, const char* flag) {
  for (const auto& address : addresses) {
    if (!graph.index_of(address)) {
      return Status::invalid_argument(std::string(flag) + " " + address.to_string() +
                                      ": no such resource in the spec or the state");
    }
    const auto* provider = providers.find(address.type);
    if (provider && provider->is_gate()) {
      return Status::invalid_argument(std::string(flag) + " " + address.to_string() +
                                      ": a node's connection, not a resource; name what runs on it");
    }
  }
  return Status::ok();
}

// Everything the targets need, so a targeted apply still has its footing.
std::set<std::size_t> targeted(const std::vector<Address>& targets, const ResourceGraph& graph) {
  std::set<std::size_t> keep;
  std::vector<std::size_t> todo;
  for (const auto& target : targets) todo.push_back(*graph.index_of(target));
  while (!todo.empty()) {
    auto v = todo.back();
    todo.pop_back();
    if (!keep.insert(v).second) continue;
    for (auto dependency : graph.dependencies(v)) todo.push_back(dependency);
  }
  return keep;
}

// What the state remembers but Docker no longer has was removed behind
// pgdecl's back: say so, and drop it from the state when it is not wanted.
void explain_disappearance(PlannedChange& change, const DesiredResource* desired, bool recorded) {
  if (!recorded || change.before) return;
  if (desired && change.action == Action::kCreate) {
    change.reasons.insert(change.reasons.begin(), "it no longer exists (removed outside pgdecl)");
  } else if (!desired && change.action == Action::kNoOp) {
    change.action = Action::kForget;
    change.reasons.push_back("it no longer exists; dropped from the state");
  }
}

void force_replacement(PlannedChange& change) {
  if (!change.before) return;  // nothing there: it is created anyway
  // What the spec wants gone (ensure: absent) or no longer names is not
  // made again: a replace would drop it and then create it from a desire
  // to have it absent.
  if (change.action == Action::kDelete || change.action == Action::kForget || !change.after) {
    change.reasons.push_back("--replace makes nothing here: the spec does not ask for it to exist");
    return;
  }
  change.action = Action::kReplace;
  change.reasons.push_back("replacement requested with --replace");
}

// Whether a vertex is in the plan's reach (--target): a pass that changes
// the action of one outside it would do what no one asked for.
using Scope = std::function<bool(std::size_t)>;

// The plan's changes by address, for the passes below. A gate in the graph
// has no change: nullptr.
class ChangesByAddress {
 public:
  explicit ChangesByAddress(Plan& plan) {
    for (auto& change : plan.changes) changes_[change.address] = &change;
  }
  PlannedChange* at(const Address& address) const {
    auto found = changes_.find(address);
    return found == changes_.end() ? nullptr : found->second;
  }

 private:
  std::map<Address, PlannedChange*> changes_;
};

// The plan's changes in graph order, within its reach, each with its
// provider and the changes it depends on, for the passes below (a gate has
// no change and is left out). A change a pass alters is seen altered by
// the changes after it.
using Visit =
    std::function<void(PlannedChange&, const ResourceProvider&, const std::vector<const PlannedChange*>&)>;
void for_each_change(Plan& plan, const ResourceGraph& graph, const std::vector<std::size_t>& order,
                     const ProviderRegistry& providers, const Scope& in_scope, const Visit& visit) {
  const ChangesByAddress changes(plan);
  for (auto v : order) {
    PlannedChange* change = in_scope(v) ? changes.at(graph.address(v)) : nullptr;
    const ResourceProvider* provider = change ? providers.find(change->address.type) : nullptr;
    if (!provider) continue;
    std::vector<const PlannedChange*> upstream;
    for (auto dependency : graph.dependencies(v)) {
      if (const PlannedChange* found = changes.at(graph.address(dependency))) upstream.push_back(found);
    }
    visit(*change, *provider, upstream);
  }
}

// A container whose network or image is made again must be made again too.
void propagate_replacements(PlannedChange& change, const ResourceProvider& provider,
                            const std::vector<const PlannedChange*>& upstream) {
  if (!provider.replaced_with_dependencies() || !change.before || !change.after) return;
  if (change.action == Action::kReplace || change.action == Action::kDelete) return;
  for (const PlannedChange* dependency : upstream) {
    if (dependency->action != Action::kReplace) continue;
    change.action = Action::kReplace;
    change.reasons.push_back(dependency->address.to_string() + " is replaced");
  }
}

// What only the state knows of a live object stands in for what its read
// cannot see.
void overlay_recorded(LiveResource& live, const ResourceProvider& provider, const Attributes* recorded) {
  if (!recorded) return;
  for (const auto& name : provider.recorded_attributes()) {
    auto found = recorded->find(name);
    if (found != recorded->end()) live.attributes[name] = found->second;
  }
}

// The dependency whose data this change's apply makes anew, if any.
const PlannedChange* new_data_upstream(const std::vector<const PlannedChange*>& upstream,
                                       const ProviderRegistry& providers) {
  for (const PlannedChange* dependency : upstream) {
    // A replaced container keeps its volume; replaced data is new.
    const bool data_replaced =
        dependency->action == Action::kReplace && providers.find(dependency->address.type)->holds_user_data();
    if (data_replaced || dependency->remakes_data) return dependency;
  }
  return nullptr;
}

// What lives in data made anew is put there again, and the plan says so:
// a replica copied again starts with pgdecl's own pg_hba rules only, and a
// master moved to an empty volume has none of the spec's roles, databases
// and slots, nor a copy its replicas could follow. What the spec wants
// absent, or what is already being made, stays as it is.
void propagate_new_data(PlannedChange& change, const ResourceProvider& provider,
                        const std::vector<const PlannedChange*>& upstream,
                        const ProviderRegistry& providers) {
  using OnNewData = ResourceProvider::OnNewData;
  const OnNewData what = provider.on_new_data();
  if (what == OnNewData::kKept || !change.before || !change.after) return;
  if (change.action != Action::kNoOp && change.action != Action::kUpdate) return;
  const PlannedChange* dependency = new_data_upstream(upstream, providers);
  if (!dependency) return;
  const std::string why = dependency->address.to_string() + " makes the data it lives in anew, so it is ";
  switch (what) {
    case OnNewData::kApplyAgain:
      if (change.action == Action::kNoOp) change.action = Action::kUpdate;
      change.reasons.push_back(why + "written again");
      provider.plan_written_again(change);
      return;
    case OnNewData::kMakeAgain:
      change.action = Action::kCreate;
      change.before.reset();
      change.changes.clear();
      change.reasons = {why + "made there again"};
      return;
    case OnNewData::kCopyAgain:
      change.action = Action::kReplace;
      change.destroys_data = true;
      change.remakes_data = true;
      change.reasons = {dependency->address.to_string() +
                        " makes the data it is a copy of anew, so it is copied again and what its volume "
                        "holds goes"};
      return;
    case OnNewData::kKept:
      return;
  }
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Every resource's live state, in `order`. Reads of different nodes and of
// Docker do not wait on each other, so they run side by side; reads of one
// node still queue on its one connection.
Result<std::vector<std::optional<LiveResource>>> read_all(const ResourceGraph& graph,
                                                          const std::vector<std::size_t>& order,
                                                          const ProviderRegistry& providers) {
  for (auto v : order) {
    const Address& address = graph.address(v);
    if (!providers.find(address.type)) {
      return Status::invalid_argument("no provider for resource type " + address.type);
    }
  }
  std::vector<std::optional<LiveResource>> live(order.size());
  auto read_one = [&](std::size_t i) -> Status {
    const Address& address = graph.address(order[i]);
    if (providers.find(address.type)->is_gate()) return Status::ok();
    const auto read_start = std::chrono::steady_clock::now();
    auto read = providers.find(address.type)->read(address);
    if (!read) return read.status().with_context("reading " + address.to_string());
    spdlog::debug("read {} in {:.1f} ms", address.to_string(), milliseconds_since(read_start));
    live[i] = std::move(*read);
    return Status::ok();
  };
  const std::vector<std::vector<std::size_t>> independent(order.size());
  auto results = walk(order.size(), independent, kReadParallelism, read_one);
  // The first failure in graph order, as a sequential read would report it.
  for (const auto& result : results) {
    if (result.outcome == StepResult::Outcome::kFailed) return result.status;
  }
  return live;
}

}  // namespace

Result<Plan> make_plan(const PlanRequest& request, const ProviderRegistry& providers) {
  auto inputs = build_graph(request);
  if (!inputs) return inputs.status();
  const ResourceGraph& graph = inputs->graph;
  if (auto s = check_known(request.targets, graph, providers, "--target"); !s) return s;
  if (auto s = check_known(request.replace, graph, providers, "--replace"); !s) return s;
  auto order = graph.topological_order();
  if (!order) return order.status();

  Plan plan;
  plan.cluster = request.cluster;
  plan.lineage = request.lineage;
  plan.state_serial = request.state_serial;
  plan.destroy = request.destroy;
  for (const auto& target : request.targets) plan.targets.push_back(target.to_string());
  for (const auto& replaced : request.replace) plan.replace.push_back(replaced.to_string());
  std::set<std::size_t> in_scope = targeted(request.targets, graph);
  auto reads = read_all(graph, *order, providers);
  if (!reads) return reads.status();
  for (std::size_t i = 0; i < order->size(); ++i) {
    const auto v = (*order)[i];
    const Address& address = graph.address(v);
    for (auto dependency : graph.dependencies(v)) {
      plan.dependencies[address.to_string()].push_back(graph.address(dependency).to_string());
    }
    auto* provider = providers.find(address.type);
    if (provider->is_gate()) continue;
    std::optional<LiveResource>& live = (*reads)[i];
    if (live) {
      auto recorded = inputs->recorded_attributes.find(address);
      overlay_recorded(*live, *provider,
                       recorded == inputs->recorded_attributes.end() ? nullptr : recorded->second);
    }
    auto desired = inputs->desired.find(address);
    const DesiredResource* want = desired == inputs->desired.end() ? nullptr : desired->second;
    PlannedChange change = provider->plan(address, want, live.has_value() ? &*live : nullptr);
    explain_disappearance(change, want, inputs->recorded.count(address) > 0);
    if (std::find(request.replace.begin(), request.replace.end(), address) != request.replace.end()) {
      force_replacement(change);
    }
    if (request.destroy && change.action == Action::kDelete) change.reasons = {"pgdecl destroy removes it"};
    if (!request.targets.empty() && !in_scope.count(v)) change.action = Action::kNoOp;
    if (provider->holds_user_data() &&
        (change.action == Action::kDelete || change.action == Action::kReplace)) {
      change.destroys_data = true;
    }
    plan.changes.push_back(std::move(change));
  }
  const Scope scope = [&](std::size_t v) { return request.targets.empty() || in_scope.count(v) > 0; };
  for_each_change(plan, graph, *order, providers, scope, propagate_replacements);
  for_each_change(plan, graph, *order, providers, scope,
                  [&](PlannedChange& change, const ResourceProvider& provider,
                      const std::vector<const PlannedChange*>& upstream) {
                    propagate_new_data(change, provider, upstream, providers);
                  });
  for (const auto& rule : request.rules) {
    if (auto refined = rule.refine(plan); !refined) return refined.with_context(rule.name);
  }
  if (auto ordered = check_no_cycle(order_steps(plan, providers)); !ordered)
    return ordered.with_context("ordering the plan");
  return plan;
}

}  // namespace pgdecl::engine
