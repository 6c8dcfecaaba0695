#include <spdlog/spdlog.h>

#include "cluster/desired/desired.h"
#include "providers/docker/resource_providers.h"

namespace pgdecl::docker {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;

constexpr const char* kContextDigestLabel = "pgdecl.context-digest";

class ImageProvider : public engine::ResourceProvider {
 public:
  ImageProvider(ClusterSnapshot& docker, const spec::ClusterSpec& spec) : docker_(docker), spec_(spec) {}

  std::string type() const override { return resource_type::kImage; }

  engine::AttributeSchema schema() const override {
    return {{engine::attr::kTag, {engine::ChangeKind::kReplace, "the tag changes: {before} -> {after}"}},
            {engine::attr::kContextDigest, {engine::ChangeKind::kReplace, "the build context changed"}}};
  }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    const spec::ImageSpec* image = find(address.name);
    if (!image) return std::optional<LiveResource>();  // left the spec: nothing to look after
    auto found = docker_.image(image->tag);
    if (!found) return found.status();
    if (!found->has_value()) {
      if (image->pull == spec::PullPolicy::kNever && !image->build) {
        return Status::not_found("image " + image->tag + " is not present locally and " +
                                 address.to_string() +
                                 " has pull: never (build or load it, or allow pulling)");
      }
      return std::optional<LiveResource>();
    }
    return std::optional<LiveResource>(to_live(**found, *image));
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    PlannedChange change = engine::ResourceProvider::plan(address, desired, live);
    if (change.action == engine::Action::kDelete) {
      // Images may serve other work on the machine: pgdecl never removes one.
      change.action = engine::Action::kForget;
      change.reasons = {"images are left in place"};
    }
    const spec::ImageSpec* image = find(address.name);
    if (change.action == engine::Action::kNoOp && image && image->pull == spec::PullPolicy::kAlways &&
        !image->build) {
      change.action = engine::Action::kUpdate;
      change.reasons.push_back("pull: always fetches " + image->tag + " on every apply");
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    if (change.action == engine::Action::kForget) return {Status::ok(), std::nullopt};
    const spec::ImageSpec& image = *find(change.address.name);
    auto progress = [&](const std::string& line) {
      spdlog::debug("{}: {}", change.address.to_string(), line);
    };
    Status done =
        image.build ? build(image, change, progress) : docker_.client().pull_image(image.tag, progress);
    docker_.invalidate();
    if (!done) return {done, change.before};
    auto found = docker_.image(image.tag);
    if (!found) return {found.status(), change.before};
    if (!found->has_value())
      return {Status::failed("image " + image.tag + " is still missing"), std::nullopt};
    return {Status::ok(), to_live(**found, image)};
  }

 private:
  Status build(const spec::ImageSpec& image, const PlannedChange& change, const ProgressHandler& progress) {
    BuildRequest request{
        image.build->context.string(), image.build->dockerfile, image.tag, image.build->args, {}};
    request.labels = docker_.labels_for(change.address.to_string());
    request.labels[kContextDigestLabel] = change.after->attributes.at(engine::attr::kContextDigest);
    auto built = docker_.client().build_image(request, progress);
    return built ? Status::ok() : built.status();
  }

  const spec::ImageSpec* find(const std::string& logical_name) const {
    auto found = spec_.images.find(logical_name);
    return found == spec_.images.end() ? nullptr : &found->second;
  }

  static LiveResource to_live(const ImageInfo& info, const spec::ImageSpec& image) {
    LiveResource live{info.id, {{engine::attr::kTag, image.tag}}, {}};
    if (image.build) {
      auto label = info.labels.find(kContextDigestLabel);
      live.attributes[engine::attr::kContextDigest] =
          label == info.labels.end() ? "(not built by pgdecl)" : label->second;
    }
    return live;
  }

  ClusterSnapshot& docker_;
  const spec::ClusterSpec& spec_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_image_provider(ClusterSnapshot& docker,
                                                              const spec::ClusterSpec& spec) {
  return std::make_unique<ImageProvider>(docker, spec);
}

}  // namespace pgdecl::docker
