#include <algorithm>
#include <cctype>

#include "cluster/desired/role_attributes.h"
#include "engine/core/diagnostics.h"
#include "engine/model/details.h"
#include "providers/postgres/catalog/catalog_providers.h"
#include "providers/postgres/catalog/named_object.h"
#include "providers/postgres/node/node_probe.h"

namespace pgdecl::pg {
namespace {

using engine::ApplyOutcome;
using engine::LiveResource;
using engine::PlannedChange;
namespace database_attr = engine::database_attr;

// The server names an encoding its own way ("utf-8" is UTF8), so it is
// asked whether the spec's name means the encoding it has.
struct DatabaseFindings {
  bool same_encoding = false;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DatabaseFindings, same_encoding)

const char* kReadDatabase =
    "SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, "
    "pg_char_to_encoding($2) = d.encoding "
    "FROM pg_database d WHERE d.datname = $1";

// "en_US.UTF-8" and "en_US.utf8" are the same locale to the C library.
std::string locale_key(const std::string& locale) {
  std::string key;
  for (char ch : locale) {
    if (ch != '-' && ch != '_') key += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return key;
}

std::string attribute(const engine::Attributes& attributes, const std::string& name) {
  auto found = attributes.find(name);
  return found == attributes.end() ? engine::kAnyValue : found->second;
}

bool declared(const std::string& value) { return value != engine::kAnyValue; }

Result<std::optional<LiveResource>> read_database(SqlSession& c, const std::string& name,
                                                  const std::string& wanted_encoding) {
  auto rows = c.query(kReadDatabase, {name, declared(wanted_encoding) ? wanted_encoding : ""});
  if (!rows) return rows.status();
  if (rows->rows.empty()) return std::optional<LiveResource>();
  const Row& row = rows->rows.front();
  const std::string collate = row.at(2).value_or(""), ctype = row.at(3).value_or("");
  LiveResource live{name,
                    {{engine::role_attr::kEnsure, "present"},
                     {database_attr::kOwner, row.at(0).value_or("")},
                     {database_attr::kEncoding, row.at(1).value_or("")},
                     {database_attr::kLocale, collate == ctype ? collate : collate + "/" + ctype}}};
  engine::set_details(live, DatabaseFindings{row.at(4) == "t"});
  return std::optional<LiveResource>(std::move(live));
}

// Encoding and locale are fixed when a database is made: changing them
// means a new, empty database, which pgdecl does only when told to.
bool fixed_at_creation(const std::string& attribute_name) {
  return attribute_name == database_attr::kEncoding || attribute_name == database_attr::kLocale;
}

// pg_database.<name>: a database on the master.
class DatabaseProvider : public engine::ResourceProvider {
 public:
  explicit DatabaseProvider(NodeContext& context) : ctx_(context) {}

  std::string type() const override { return resource_type::kDatabase; }
  bool holds_user_data() const override { return true; }
  // In the master's catalog: a master on new data has none of them yet.
  OnNewData on_new_data() const override { return OnNewData::kMakeAgain; }

  Result<std::optional<LiveResource>> read(const Address& address) override {
    return probe_node_object(ctx_, master(), [&](SqlSession& c) -> Result<std::optional<LiveResource>> {
      if (auto s = check_encoding(c, address.name); !s) return s;
      return read_database(c, address.name, wanted_encoding(address.name));
    });
  }

  PlannedChange plan(const Address& address, const engine::DesiredResource* desired,
                     const LiveResource* live) const override {
    if (auto decided = plan_presence(
            address, desired, live,
            {"no longer in the spec: pgdecl stops managing it, the server keeps it and its data",
             "ensure: absent drops the database"})) {
      return *decided;
    }
    engine::DesiredResource want = *desired;
    if (live) settle_equivalents(want.attributes, *live);
    PlannedChange change = engine::ResourceProvider::plan(address, &want, live);
    change.after = *desired;
    if (change.action != engine::Action::kUpdate) return change;
    change.reasons.clear();
    for (const auto& attribute : change.changes) {
      std::string reason = attribute.name + " is " + attribute.before.value_or("(none)") +
                           " on the server, the spec says " + attribute.after.value_or("(none)");
      if (fixed_at_creation(attribute.name)) {
        reason += "; it is fixed when a database is created, so apply refuses: --replace " +
                  address.to_string() + " drops and re-creates the database, and its data is lost";
      }
      change.reasons.push_back(reason);
    }
    return change;
  }

  ApplyOutcome apply(const PlannedChange& change) override {
    const std::string& name = change.address.name;
    std::optional<LiveResource> live = change.before;
    const NamedObjectSteps steps{"DATABASE",
                                 [&](SqlSession& c) { return read_database(c, name, wanted_encoding(name)); },
                                 [&](SqlSession& c, const std::optional<LiveResource>& now) {
                                   return converge(c, name, change.after->attributes, now);
                                 }};
    Status done = ctx_.sessions.with_connection(
        master(), deadline(), [&](SqlSession& c) { return apply_named_object(c, change, steps, live); });
    return {done, live};
  }

 private:
  std::string master() const { return ctx_.spec.primary().name; }
  Clock::time_point deadline() const { return Clock::now() + ctx_.ready_timeout; }

  // An encoding the server does not know would fail CREATE DATABASE half
  // way through an apply: the plan says so first, where the spec says it.
  Status check_encoding(SqlSession& c, const std::string& name) const {
    const std::string encoding = wanted_encoding(name);
    if (!declared(encoding)) return Status::ok();
    auto known = c.query("SELECT (pg_char_to_encoding($1) >= 0)::text", {encoding});
    if (!known) return known.status();
    if (known->rows.at(0).at(0) == "true") return Status::ok();
    const spec::DatabaseSpec* database = database_spec(name);
    return Status::invalid_argument(
        Diagnostic{Diagnostic::Severity::kError, ctx_.spec.file.string(), database->pos,
                   "database '" + name + "': encoding '" + encoding + "' is not one PostgreSQL knows", ""}
            .to_string());
  }

  const spec::DatabaseSpec* database_spec(const std::string& name) const {
    for (const auto& database : ctx_.spec.databases) {
      if (database.name == name) return &database;
    }
    return nullptr;
  }

  std::string wanted_encoding(const std::string& name) const {
    const spec::DatabaseSpec* database = database_spec(name);
    return database && database->encoding ? *database->encoding : engine::kAnyValue;
  }

  // Spellings that mean what the server has count as equal.
  static void settle_equivalents(engine::Attributes& want, const LiveResource& live) {
    if (engine::details_of<DatabaseFindings>(live).same_encoding) {
      want[database_attr::kEncoding] = live.attributes.at(database_attr::kEncoding);
    }
    const std::string& locale = want[database_attr::kLocale];
    if (declared(locale) && locale_key(locale) == locale_key(live.attributes.at(database_attr::kLocale))) {
      want[database_attr::kLocale] = live.attributes.at(database_attr::kLocale);
    }
  }

  static Status converge(SqlSession& c, const std::string& name, const engine::Attributes& desired,
                         const std::optional<LiveResource>& current) {
    const std::string owner = attribute(desired, database_attr::kOwner);
    if (!current) return create(c, name, desired);
    engine::Attributes want = desired;
    settle_equivalents(want, *current);
    for (const char* fixed : {database_attr::kEncoding, database_attr::kLocale}) {
      const std::string wanted = attribute(want, fixed);
      if (declared(wanted) && wanted != current->attributes.at(fixed)) {
        return Status::failed(std::string(fixed) + " of database " + name + " is " +
                              current->attributes.at(fixed) + ", the spec says " + wanted +
                              "; it cannot change in place. --replace pg_database." + name +
                              " re-creates the database (its data is lost)");
      }
    }
    if (declared(owner) && owner != current->attributes.at(database_attr::kOwner)) {
      return c.execute("ALTER DATABASE " + c.escape_identifier(name) + " OWNER TO " +
                       c.escape_identifier(owner));
    }
    return Status::ok();
  }

  // template0, when the encoding or locale is the spec's, since template1
  // may hold objects in another one.
  static Status create(SqlSession& c, const std::string& name, const engine::Attributes& desired) {
    std::string sql = "CREATE DATABASE " + c.escape_identifier(name);
    const std::string owner = attribute(desired, database_attr::kOwner);
    const std::string encoding = attribute(desired, database_attr::kEncoding);
    const std::string locale = attribute(desired, database_attr::kLocale);
    if (declared(owner)) sql += " OWNER " + c.escape_identifier(owner);
    if (declared(encoding)) sql += " ENCODING " + c.escape_literal(encoding);
    if (declared(locale)) sql += " LOCALE " + c.escape_literal(locale);
    if (declared(encoding) || declared(locale)) sql += " TEMPLATE template0";
    return c.execute(sql);
  }

  NodeContext& ctx_;
};

}  // namespace

std::unique_ptr<engine::ResourceProvider> make_database_provider(NodeContext& context) {
  return std::make_unique<DatabaseProvider>(context);
}

}  // namespace pgdecl::pg
