#include "cluster/render/postgres_config.h"

#include <cctype>
#include <cstdio>
#include <sstream>

#include "cluster/layout/naming.h"
#include "cluster/render/archive_scripts.h"
#include "cluster/render/replica_config.h"
#include "cluster/render/script_text.h"

namespace pgdecl::engine {
namespace {

constexpr const char* kManagedHeader =
    "# Managed by pgdecl from the cluster spec: changes made here are replaced on the next apply.\n";

// pg_hba.conf wants a role name in double quotes when it holds anything but
// plain characters; a quote inside is written twice.
std::string hba_name(const std::string& name) {
  bool plain = !name.empty();
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

// The server's config parser reads backslash escapes inside quotes, so a
// backslash is written twice, as a quote is.
std::string quote_conf_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

std::string quote_shell(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string text_digest(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

std::string render_own_hba_rules(const spec::ClusterSpec& spec) {
  std::string out = kManagedHeader;
  out += "# pgdecl's own rules: local administration, and the superuser it manages the server as.\n";
  out += "local all all peer\n";
  out += "host all " + hba_name(spec.master.superuser.name) + " all scram-sha-256\n";
  if (!spec.replication.user.empty()) {
    out += "host replication " + hba_name(spec.replication.user) + " samenet scram-sha-256\n";
  }
  return out;
}

std::string render_hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node,
                       const ConfigSecrets* secrets) {
  std::string out = render_own_hba_rules(spec);
  out += "# From the spec (" + node.name + ".hba), in order.\n";
  for (std::size_t i = 0; i < node.hba.size(); ++i) {
    out += node.hba[i];
    // The value is one double-quoted field: the resolver refuses a secret
    // holding a double quote, which the server could not read back.
    for (const auto& option : node.hba_secrets) {
      if (option.line != i) continue;
      const auto value = secrets ? secrets->find(hba_secret_key(node.name, i, option.option))
                                 : ConfigSecrets::const_iterator{};
      const bool known = secrets && value != secrets->end();
      out += " " + option.option + "=\"" + (known ? value->second.reveal() : spec::kSensitiveValue) + "\"";
    }
    out += "\n";
  }
  return out;
}

std::string shown_hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node) {
  const std::string rendered = render_hba(spec, node);
  return redact_hba(rendered, rendered, hba_secret_options(node));
}

std::string render_owned_settings(const spec::ClusterSpec& spec, const spec::NodeSpec& node) {
  std::string out =
      std::string(kManagedHeader) + "listen_addresses = '*'\nport = " + std::to_string(kPostgresPort) + "\n";
  // A slot keeps WAL for a replica that is away; this bounds how much, so
  // an absent replica cannot fill the master's disk. The spec may change it.
  // Logs and process titles name the node.
  out += "cluster_name = " + quote_conf_value(node.name) + "\n";
  out += "max_slot_wal_keep_size = " + quote_conf_value(kDefaultMaxSlotWalKeepSize) + "\n";
  // On every node, so a replica promoted by a failover waits for the
  // archive from its first commit. The spec's own value (a quorum with the
  // replicas) comes later in the file and wins.
  if (spec.backup.declared && spec.backup.synchronous)
    out += "synchronous_standby_names = " + quote_conf_value(archiver_standby_names()) + "\n";
  if (node.role == spec::NodeRole::kReplica) {
    out += "hot_standby = on\n";
    // Back to streaming within a second after the master restarts (the
    // default waits five).
    out += "wal_retrieve_retry_interval = '1s'\n";
    out += "primary_conninfo = " + quote_conf_value(replica_conninfo(spec, node)) + "\n";
    if (spec.replication.slots) out += "primary_slot_name = " + quote_conf_value(slot_name(node.name)) + "\n";
  }
  return out;
}

std::string render_settings_file(const spec::ClusterSpec& spec, const spec::NodeSpec& node,
                                 const ConfigSecrets* secrets) {
  std::string out = render_owned_settings(spec, node);
  const auto parameters = secrets ? parameters_with_secrets(node, *secrets) : node.parameters;
  for (const auto& [name, value] : parameters) out += name + " = " + quote_conf_value(value) + "\n";
  return out;
}

std::map<std::string, std::string> settings_in_file(const std::string& text) {
  std::map<std::string, std::string> settings;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto equals = line.find(" = ");
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    std::string name = line.substr(0, equals), value = line.substr(equals + 3);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      std::string unquoted;
      for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        unquoted += value[i];
        if ((value[i] == '\'' || value[i] == '\\') && value[i + 1] == value[i]) ++i;
      }
      value = unquoted;
    }
    settings[name] = value;
  }
  return settings;
}

namespace {

// @NAME@ placeholders keep the script readable as the shell it is.
constexpr const char* kBootScript = R"(set -eu
pgdata=@PGDATA@
init=@STAGE@/init
# Whatever happens, the initial password does not outlive this script.
trap 'rm -rf "$init"' EXIT
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$pgdata" /var/run/postgresql
chown postgres:postgres @DATA@ "$pgdata" /var/run/postgresql
chmod 0700 "$pgdata"
# A node's data is made here by initdb only when pgdecl handed over the
# initial password for it; any other node takes a copy of the primary's data
# from pg_basebackup, and its server starts only on a whole copy: the copy's
# marker vouches for it (written last, and removed first by a new copy), and
# PG_VERSION shows the data is still there. The role is not written here,
# so a switchover needs no new container. A new node's container is started
# before its copy is made, so Docker's part of the start is done while the
# primary initialises; pgdecl apply sends SIGUSR1 once the copy is made,
# and the one-second sleep is only a fallback.
whole_copy() { [ -s @MARKER@ ] && [ -s "$pgdata/PG_VERSION" ]; }
needs_copy() {
  [ -e @COPYING@ ] && return 0
  if [ ! -s "$pgdata/PG_VERSION" ]; then [ ! -s "$init/superuser.password" ]; return; fi
  # A base backup not yet started from still has its backup_label.
  [ ! -s @MARKER@ ] && [ -e "$pgdata/backup_label" ]
}
if needs_copy; then
  echo "pgdecl: waiting for this node's copy of the primary's data; pgdecl apply makes it" >&2
  trap 'exit 0' INT TERM
  trap ':' USR1
  while needs_copy || ! whole_copy; do
    sleep 1 &
    sleeper=$!
    wait "$sleeper" || true
    kill "$sleeper" 2>/dev/null || true
  done
  trap - INT TERM USR1
fi
# initdb only on an empty volume: an existing cluster is never initialised
# again.
if [ ! -s "$pgdata/PG_VERSION" ]; then
  chown postgres "$init/superuser.password"
  # One syncfs of the volume makes the new cluster durable sooner than
  # initdb's fsync of every file.
  as_postgres initdb --pgdata="$pgdata" --username=@SUPERUSER@ --pwfile="$init/superuser.password" \
    --auth-local=peer --auth-host=scram-sha-256 --data-checksums --encoding=UTF8 --locale=C.UTF-8 --no-sync
  sync -f "$pgdata"
  # Only pgdecl's own rules and settings at first: the spec's are applied
  # afterwards, checked by the server and rolled back when it rejects them.
  install -o postgres -g postgres -m 0600 "$init/pg_hba.conf" "$init/pgdecl.conf" "$pgdata/"
  echo "include_if_exists = 'pgdecl.conf'" >>"$pgdata/postgresql.conf"
fi
rm -rf "$init"
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$pgdata"
)";

}  // namespace

std::string node_boot_script(const spec::ClusterSpec& spec) {
  std::string script = replaced(kBootScript, "@PGDATA@", kPgData);
  script = replaced(script, "@COPYING@", kCopyingMarker);
  script = replaced(script, "@DATA@", kDataMount);
  script = replaced(script, "@STAGE@", kStagingDir);
  script = replaced(script, "@MARKER@", kStandbyMarker);
  return replaced(script, "@SUPERUSER@", quote_shell(spec.master.superuser.name));
}

}  // namespace pgdecl::engine
