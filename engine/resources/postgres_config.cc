#include "engine/resources/postgres_config.h"

#include <cstdio>

#include "engine/resources/naming.h"

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

std::string quote_conf_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
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

std::string render_hba(const spec::ClusterSpec& spec, const spec::NodeSpec& node) {
  std::string out = kManagedHeader;
  out += "# pgdecl's own rules: local administration, and the superuser it manages the server as.\n";
  out += "local all all peer\n";
  out += "host all " + hba_name(spec.master.superuser.name) + " all scram-sha-256\n";
  if (!spec.replication.user.empty()) {
    out += "host replication " + hba_name(spec.replication.user) + " samenet scram-sha-256\n";
  }
  out += "# From the spec (" + node.name + ".hba), in order.\n";
  for (const auto& line : node.hba) out += line + "\n";
  return out;
}

std::string render_settings_file(const spec::ClusterSpec&, const spec::NodeSpec& node) {
  std::string out = kManagedHeader;
  out += "listen_addresses = '*'\n";
  out += "port = " + std::to_string(kPostgresPort) + "\n";
  for (const auto& [name, value] : node.parameters) out += name + " = " + quote_conf_value(value) + "\n";
  return out;
}

std::string node_boot_script(const spec::ClusterSpec& spec, const spec::NodeSpec&) {
  const std::string data = kDataMount, pgdata = kPgData, stage = kStagingDir;
  return "set -eu\n"
         "as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups \"$@\"; }\n"
         "mkdir -p " +
         pgdata +
         " /var/run/postgresql\n"
         "chown postgres:postgres " +
         data + " " + pgdata +
         " /var/run/postgresql\n"
         "chmod 0700 " +
         pgdata +
         "\n"
         // initdb only on an empty volume: an existing cluster is never re-initialised.
         "if [ ! -s " +
         pgdata +
         "/PG_VERSION ]; then\n"
         "  chown postgres " +
         stage +
         "/init/superuser.password\n"
         "  as_postgres initdb --pgdata=" +
         pgdata + " --username=" + quote_shell(spec.master.superuser.name) + " --pwfile=" + stage +
         "/init/superuser.password --auth-local=peer --auth-host=scram-sha-256"
         " --data-checksums --encoding=UTF8 --locale=C.UTF-8\n"
         "  echo \"include_if_exists = 'pgdecl.conf'\" >> " +
         pgdata +
         "/postgresql.conf\n"
         "fi\n"
         // The initial password is needed once; it must not outlive initdb.
         "rm -rf " +
         stage +
         "/init\n"
         "install -o postgres -g postgres -m 0600 " +
         stage + "/conf/pg_hba.conf " + stage + "/conf/pgdecl.conf " + pgdata +
         "/\n"
         "exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D " +
         pgdata + "\n";
}

}  // namespace pgdecl::engine
