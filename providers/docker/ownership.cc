#include "providers/docker/ownership.h"

#include "cluster/layout/naming.h"

namespace pgdecl::docker {
namespace {

std::string label_or_empty(const Labels& labels, const char* key) {
  auto found = labels.find(key);
  return found == labels.end() ? "" : found->second;
}

}  // namespace

std::string whose(const Labels& labels, const Owner& owner) {
  const std::string cluster = label_or_empty(labels, engine::kClusterLabel);
  if (cluster.empty()) return "it carries no pgdecl.cluster label: pgdecl did not make it";
  std::string text = "it belongs to cluster " + cluster;
  const std::string address = label_or_empty(labels, engine::kAddressLabel);
  if (!address.empty()) text += " as " + address;
  const std::string helper = label_or_empty(labels, kHelperLabel);
  if (!helper.empty()) text += " (" + helper + " helper)";
  // pgdecl labels every helper it makes as one: without that label the
  // object is not one, whatever else it says.
  if (!owner.helper.empty() && helper.empty())
    text += ", without the pgdecl.helper label pgdecl gives its helpers";
  return text;
}

Labels Owner::labels() const {
  Labels labels{{engine::kClusterLabel, cluster}, {engine::kAddressLabel, address}};
  if (!helper.empty()) labels[kHelperLabel] = helper;
  return labels;
}

bool owned_by(const Labels& labels, const Owner& owner) {
  return label_or_empty(labels, engine::kClusterLabel) == owner.cluster &&
         label_or_empty(labels, engine::kAddressLabel) == owner.address &&
         label_or_empty(labels, kHelperLabel) == owner.helper;
}

Status not_ours(const std::string& kind, const std::string& name, const Labels& labels, const Owner& owner) {
  std::string wanted = owner.address + (owner.helper.empty() ? "" : " (" + owner.helper + " helper)");
  return Status::conflict(kind + " " + name +
                          " already exists and is not this cluster's: " + whose(labels, owner) +
                          "; cluster " + owner.cluster + " would use that name for " + wanted +
                          ". pgdecl does not create over, mount or remove it: remove or rename it, or "
                          "rename the cluster or the resource in the spec");
}

Status require_owned(const std::string& kind, const std::string& name, const Labels& labels,
                     const Owner& owner) {
  return owned_by(labels, owner) ? Status::ok() : not_ours(kind, name, labels, owner);
}

}  // namespace pgdecl::docker
