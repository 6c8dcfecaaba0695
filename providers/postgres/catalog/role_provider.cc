#include "cluster/desired/role_attributes.h"
#include "providers/postgres/catalog/catalog_providers.h"
#include "providers/postgres/catalog/named_object.h"
#include "providers/postgres/catalog/role_catalog.h"
#include "providers/postgres/catalog/scram_verifier.h"
#include "providers/postgres/node/node_probe.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;
namespace role_attr = engine::role_attr;

const spec::RoleSpec* role_spec(const spec::ClusterSpec& spec, const std::string& name) {
  for (const auto& role : spec.roles) {
    if (role.name == name) return &role;
  }
  return nullptr;
}

std::string reason_for(const engine::AttributeChange& change) {
  const std::string before = change.before.value_or("(none)");
  const std::string after = change.after.value_or("(none)");
  if (change.name == role_attr::kPassword) {
    if (before == engine::kPasswordNone) return "the role has no password; the spec gives one";
    if (before == engine::kPasswordMd5)
      return "the password is stored as an md5 hash; the spec's is stored as SCRAM";
    const std::string too_costly = engine::kPasswordTooCostly;
    if (before.rfind(too_costly, 0) == 0) {
      const std::string count =
          before.substr(too_costly.size(), before.find(' ', too_costly.size()) - too_costly.size());
      return "the stored verifier uses " + count + " iterations, more than pgdecl checks (" +
             std::to_string(kMaxCheckedIterations) + "); the password is set again";
    }
    return "the password on the server is not the spec's";
  }
  if (change.name == role_attr::kMemberOf)
    return "member of " + before + " on the server, the spec says " + after;
  return change.name + " is " + before + " on the server, the spec says " + after;
}

// pg_role.<name>: a role on the master. Every statement goes through the
// master's one connection, so no two changes to pg_authid ever race.
class RoleProvider : public engine::ResourceProvider {
 public:
  explicit RoleProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kRole; }
  // In the master's catalog: a master on new data has none of them yet.
  OnNewData on_new_data() const override { return OnNewData::kMakeAgain; }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    auto question = question_for(address.name);
    if (!question) return question.status();
    return probe_role(*question);
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    // Dropping a role is never implied: only ensure: absent does it.
    if (auto decided = plan_presence(
            address, desired, live,
            {"no longer in the spec: pgdecl stops managing it, the server keeps it", "ensure: absent"})) {
      return *decided;
    }
    engine::DesiredResource want = *desired;
    if (live && engine::details_of<RoleFindings>(*live).same_expiry) {
      want.attributes[role_attr::kValidUntil] = live->attributes.at(role_attr::kValidUntil);
    }
    PlannedChange change = engine::ResourceProvider::plan(address, &want, live);
    change.after = *desired;
    if (change.action == engine::Action::kUpdate) {
      change.reasons.clear();
      for (const auto& attribute : change.changes) change.reasons.push_back(reason_for(attribute));
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    const std::string& name = change.address.name;
    auto question = question_for(name);
    if (!question) return {question.status(), change.before};
    std::optional<LiveResource> live = change.before;
    const NamedObjectSteps steps{"ROLE", [&](SqlSession& c) { return read_role(c, *question); },
                                 [&](SqlSession& c, const std::optional<LiveResource>& now) {
                                   return converge(c, name, change.after->attributes, now, *question);
                                 }};
    Status done = ctx_.sessions.with_connection(
        master(), deadline(), [&](SqlSession& c) { return apply_named_object(c, change, steps, live); });
    return {done, live};
  }

 private:
  std::string master() const { return ctx_.spec.primary().name; }
  Clock::time_point deadline() const { return Clock::now() + ctx_.ready_timeout; }

  Result<RoleQuestion> question_for(const std::string& name) const {
    RoleQuestion question{name};
    const spec::RoleSpec* role = role_spec(ctx_.spec, name);
    if (!role) return question;
    if (role->valid_until) question.valid_until = *role->valid_until;
    if (role->password && role->present) {
      auto found = ctx_.role_passwords.find(name);
      if (found == ctx_.role_passwords.end()) return Status::failed("no password resolved for role " + name);
      // A destroy reads the role without comparing its password.
      if (!found->second && ctx_.secrets_optional) return question;
      if (!found->second) return found->second.status();
      question.password = &*found->second;
    }
    return question;
  }

  Result<std::optional<LiveResource>> probe_role(const RoleQuestion& question) {
    return probe_node_object(ctx_, master(), [&](SqlSession& c) { return read_role(c, question); });
  }

  Status converge(SqlSession& c, const std::string& name, const engine::Attributes& desired,
                  const std::optional<LiveResource>& current, const RoleQuestion& question) {
    for (const auto& statement : role_statements(c, name, desired, current)) {
      if (auto s = c.execute(statement); !s) return s;
    }
    bool password_differs =
        question.password && (!current || current->attributes.count(role_attr::kPassword) == 0 ||
                              current->attributes.at(role_attr::kPassword) != engine::kPasswordAsSpec);
    return password_differs ? set_role_password(c, name, *question.password) : Status::ok();
  }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_role_provider(NodeContext& context) {
  return std::make_unique<RoleProvider>(context);
}

}  // namespace pgdecl::pg
