#pragma once

// A provider of resources that live in memory, for tests of engine logic
// (diffing, ordering, failure handling). It records every call, and can be
// told to fail a given address, as leveldb's SpecialEnv injects faults.
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/provider/provider.h"

namespace pgdecl::testing {

class FakeWorld {
 public:
  std::map<std::string, engine::LiveResource> objects;  // by address
  std::vector<std::string> calls;                       // "read x", "create x", ...
  std::set<std::string> fail_apply;                     // addresses whose apply fails
  std::set<std::string> slow_apply;                     // addresses whose apply takes 50 ms first
  std::mutex mutex;

  void put(const std::string& address, engine::Attributes attributes) {
    objects[address] = engine::LiveResource{"id-" + address, std::move(attributes), {}};
  }
  std::vector<std::string> calls_matching(const std::string& prefix) {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& call : calls) {
      if (call.rfind(prefix, 0) == 0) out.push_back(call);
    }
    return out;
  }
};

class FakeProvider : public engine::ResourceProvider {
 public:
  FakeProvider(std::string type, FakeWorld& world, engine::AttributeSchema schema = {},
               bool replaced_with_dependencies = false)
      : type_(std::move(type)),
        world_(world),
        schema_(std::move(schema)),
        follows_(replaced_with_dependencies) {}

  std::string type() const override { return type_; }
  engine::AttributeSchema schema() const override { return schema_; }
  bool replaced_with_dependencies() const override { return follows_; }
  bool holds_user_data() const override { return holds_data_; }
  void set_holds_user_data(bool holds) { holds_data_ = holds; }
  std::vector<std::string> recorded_attributes() const override { return recorded_; }
  void set_recorded_attributes(std::vector<std::string> names) { recorded_ = std::move(names); }
  // Like what lives in a node's data directory: leaving the spec, it is
  // let go rather than removed.
  void set_forgotten_when_removed(bool forgotten) { forgotten_ = forgotten; }
  OnNewData on_new_data() const override { return on_new_data_; }
  void set_on_new_data(OnNewData what) { on_new_data_ = what; }
  // Its updates make its data anew, as a replica copied again.
  void set_updates_remake_data(bool remakes) { remakes_ = remakes; }
  // A change of this attribute makes its data anew, as a master moved to
  // another volume.
  void set_remakes_data_when_changed(std::string attribute) { remaking_attribute_ = std::move(attribute); }

  engine::PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                             const engine::LiveResource* live) const override {
    auto change = engine::ResourceProvider::plan(address, desired, live);
    if (forgotten_ && change.action == engine::Action::kDelete) {
      change.action = engine::Action::kForget;
      change.reasons = {"it stays in its volume"};
    }
    change.remakes_data = remakes_ && change.action == engine::Action::kUpdate;
    for (const auto& changed : change.changes) change.remakes_data |= changed.name == remaking_attribute_;
    return change;
  }

  Result<std::optional<engine::LiveResource>> read(const Address& address) override {
    std::lock_guard lock(world_.mutex);
    world_.calls.push_back("read " + address.to_string());
    auto found = world_.objects.find(address.to_string());
    if (found == world_.objects.end()) return std::optional<engine::LiveResource>();
    return std::optional<engine::LiveResource>(found->second);
  }

  // Records what the plan batches for this type: "begin x,y | z".
  void begin_apply(const engine::Plan& plan) override {
    std::string batches;
    for (const auto& batch : plan.batches) {
      if (batch.empty() || batch.front().rfind(type_ + ".", 0) != 0) continue;
      batches += batches.empty() ? "" : " | ";
      for (std::size_t i = 0; i < batch.size(); ++i) batches += (i ? "," : "") + batch[i];
    }
    std::lock_guard lock(world_.mutex);
    world_.calls.push_back("begin " + type_ + (batches.empty() ? "" : " " + batches));
  }

  engine::ApplyOutcome apply(const engine::PlannedChange& change) override {
    // Set before the apply starts, so read without the lock: a slow step
    // shows whether another one waited for it.
    if (world_.slow_apply.count(change.address.to_string()))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard lock(world_.mutex);
    const std::string address = change.address.to_string();
    world_.calls.push_back(std::string(engine::json_name(change.action)) + " " + address);
    if (world_.fail_apply.count(address)) {
      return {Status::failed("injected failure"), change.before};
    }
    if (change.action == engine::Action::kDelete) {
      world_.objects.erase(address);
      return {Status::ok(), std::nullopt};
    }
    engine::LiveResource live{"id-" + address, change.after->attributes, {}};
    world_.objects[address] = live;
    return {Status::ok(), live};
  }

 private:
  std::string type_;
  FakeWorld& world_;
  engine::AttributeSchema schema_;
  bool follows_;
  bool holds_data_ = false;
  std::vector<std::string> recorded_;
  bool forgotten_ = false;
  OnNewData on_new_data_ = OnNewData::kKept;
  std::string remaking_attribute_;
  bool remakes_ = false;
};

}  // namespace pgdecl::testing
