#include "cluster/desired/desired_roles.h"

#include "cluster/desired/role_attributes.h"

namespace pgdecl::engine {
namespace {

// Roles and databases run on the master's connection, once its settings are
// in force: a settings change may restart the server, which must not happen
// under a statement.
std::vector<Address> on_master(const spec::ClusterSpec& spec) {
  return {{resource_type::kContainer, spec.primary().name},
          {resource_type::kConnection, spec.primary().name},
          {resource_type::kSettings, spec.primary().name}};
}

bool declared(const spec::ClusterSpec& spec, const std::string& role) {
  for (const auto& other : spec.roles) {
    if (other.name == role) return true;
  }
  return false;
}

std::optional<bool> flag_of(const spec::RoleSpec& role, const std::string& name) {
  if (name == "login") return role.login;
  if (name == "superuser") return role.superuser;
  if (name == "createdb") return role.createdb;
  if (name == "createrole") return role.createrole;
  if (name == "replication") return role.replication;
  if (name == "bypassrls") return role.bypassrls;
  if (name == "inherit") return role.inherit;
  return std::nullopt;
}

}  // namespace

DesiredResource role_resource(const spec::ClusterSpec& spec, const spec::RoleSpec& role) {
  DesiredResource out{{resource_type::kRole, role.name},
                      {{role_attr::kEnsure, role.present ? "present" : "absent"}},
                      on_master(spec)};
  if (role.present) {
    for (const RoleFlag& flag : kRoleFlags) {
      out.attributes[flag.name] = flag_of(role, flag.name).value_or(flag.default_value) ? "true" : "false";
    }
    out.attributes[role_attr::kConnectionLimit] =
        role.connection_limit ? std::to_string(*role.connection_limit) : kNoLimit;
    out.attributes[role_attr::kValidUntil] = role.valid_until.value_or(kNoExpiry);
    out.attributes[role_attr::kMemberOf] = render_name_list(role.member_of);
    if (role.password) out.attributes[role_attr::kPassword] = kPasswordAsSpec;
  }
  // A group is made before its members; a dropped member goes before its
  // group is dropped (deletes run in reverse).
  for (const auto& group : role.member_of) {
    if (declared(spec, group)) out.depends_on.push_back({resource_type::kRole, group});
  }
  return out;
}

DesiredResource database_resource(const spec::ClusterSpec& spec, const spec::DatabaseSpec& database) {
  DesiredResource out{{resource_type::kDatabase, database.name},
                      {{role_attr::kEnsure, database.present ? "present" : "absent"}},
                      on_master(spec)};
  if (database.present) {
    out.attributes[database_attr::kOwner] = database.owner.value_or(kAnyValue);
    out.attributes[database_attr::kEncoding] = database.encoding.value_or(kAnyValue);
    out.attributes[database_attr::kLocale] = database.locale.value_or(kAnyValue);
  }
  if (database.owner && declared(spec, *database.owner)) {
    out.depends_on.push_back({resource_type::kRole, *database.owner});
  }
  // A role the spec drops may still own this database (the spec need not
  // say so once it drops the database too): the role goes only after it.
  for (const auto& role : spec.roles) {
    if (!role.present) out.depends_on.push_back({resource_type::kRole, role.name});
  }
  return out;
}

}  // namespace pgdecl::engine
