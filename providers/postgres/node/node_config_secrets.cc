#include "cluster/render/config_secrets.h"
#include "providers/postgres/node/node_context.h"

namespace pgdecl::pg {

Result<engine::ConfigSecrets> node_config_secrets(const NodeContext& context, const std::string& node) {
  engine::ConfigSecrets values;
  for (const auto& key : engine::config_secret_keys(node_spec(context.spec, node))) {
    auto found = context.config_secrets.find(key);
    if (found == context.config_secrets.end())
      return Status::failed("no value resolved for the secret " + key);
    if (!found->second && context.secrets_optional) continue;
    if (!found->second) return found->second.status();
    values.emplace(key, *found->second);
  }
  return values;
}

Result<const Secret*> replication_password(NodeContext& context) {
  auto found = context.role_passwords.find(context.spec.replication.user);
  if (found == context.role_passwords.end()) {
    return Status::invalid_argument("the replication user " + context.spec.replication.user +
                                    " has no password in the spec");
  }
  if (!found->second) return found->second.status();
  return &*found->second;
}

}  // namespace pgdecl::pg
