#include "engine/provider/provider.h"

#include "engine/diff/differ.h"

namespace pgdecl::engine {

PlannedChange ResourceProvider::plan(const Address& address, const DesiredResource* desired,
                                     const LiveResource* live) const {
  return diff_resource(address, desired, live, schema());
}

void ProviderRegistry::add(std::unique_ptr<ResourceProvider> provider) {
  auto type = provider->type();
  providers_[type] = std::move(provider);
}

void ProviderRegistry::for_each(const std::function<void(ResourceProvider&)>& visit) const {
  for (const auto& [type, provider] : providers_) visit(*provider);
}

ResourceProvider* ProviderRegistry::find(const std::string& type) const {
  auto found = providers_.find(type);
  return found == providers_.end() ? nullptr : found->second.get();
}

}  // namespace pgdecl::engine
