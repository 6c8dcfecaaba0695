#include "engine/resources/replica_config.h"

#include "engine/resources/naming.h"
#include "engine/resources/postgres_config.h"

namespace pgdecl::engine {
namespace {

std::string passfile_field(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A conninfo value in single quotes, quotes and backslashes escaped.
std::string conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The stage holds the passfile: the trap removes it however the copy ends.
constexpr const char* kBootstrapScript = R"SH(set -eu
pgdata=@PGDATA@
data=@DATA@
stage=@STAGE@/bootstrap
trap 'rm -rf "$stage"' EXIT
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
rm -f @MARKER@
if [ @WIPE@ = yes ]; then rm -rf "$pgdata"; fi
if [ -d "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then
  echo "pgdecl: $pgdata already holds data; it is not copied over" >&2
  exit 3
fi
mkdir -p "$pgdata"
chown postgres:postgres "$data" "$pgdata" "$stage/passfile"
chmod 0700 "$pgdata"
as_postgres pg_basebackup --pgdata="$pgdata" --wal-method=stream --checkpoint=@CHECKPOINT@ @SLOT@ \
  --no-password --dbname=@CONNINFO@
install -o postgres -g postgres -m 0600 "$stage/pg_hba.conf" "$stage/pgdecl.conf" "$pgdata/"
install -o postgres -g postgres -m 0600 "$stage/passfile" @PASSFILE@
as_postgres touch "$pgdata/standby.signal"
# pg_basebackup made its copy durable; these files and the marker that says
# the copy is whole are made durable here, in that order.
sync "$pgdata/pg_hba.conf" "$pgdata/pgdecl.conf" "$pgdata/standby.signal" @PASSFILE@ "$pgdata" "$data"
echo "copied from @MASTER@" >@MARKER@
sync @MARKER@ "$data"
)SH";

std::string replaced(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
    text.replace(at, key.size(), value);
  }
  return text;
}

}  // namespace

std::string slot_name(const std::string& replica) { return "pgdecl_" + replica; }

std::string replica_conninfo(const spec::ClusterSpec& spec, const spec::NodeSpec& replica) {
  return "host=" + conninfo_value(spec.master.name) + " port=" + std::to_string(kPostgresPort) +
         " user=" + conninfo_value(spec.replication.user) +
         " application_name=" + conninfo_value(replica.name) +
         " passfile=" + conninfo_value(kReplicationPassfile);
}

std::string replication_passfile(const std::string& user, const std::string& password) {
  return "*:*:replication:" + passfile_field(user) + ":" + passfile_field(password) + "\n";
}

std::string replica_bootstrap_script(const spec::ClusterSpec& spec, const spec::NodeSpec& replica,
                                     bool wipe) {
  // The copy's own application_name tells it apart from the replica's WAL
  // receiver in pg_stat_replication.
  const std::string conninfo =
      "host=" + conninfo_value(spec.master.name) + " port=" + std::to_string(kPostgresPort) +
      " user=" + conninfo_value(spec.replication.user) +
      " application_name=" + conninfo_value("pgdecl_bootstrap_" + replica.name) +
      " passfile=" + conninfo_value(std::string(kStagingDir) + "/bootstrap/passfile");
  std::string script = replaced(kBootstrapScript, "@PGDATA@", kPgData);
  script = replaced(script, "@DATA@", kDataMount);
  script = replaced(script, "@STAGE@", kStagingDir);
  script = replaced(script, "@MARKER@", kStandbyMarker);
  script = replaced(script, "@PASSFILE@", kReplicationPassfile);
  script = replaced(script, "@WIPE@", wipe ? "yes" : "no");
  script = replaced(script, "@CHECKPOINT@", spec.replication.checkpoint);
  script = replaced(script, "@SLOT@",
                    spec.replication.slots ? "--slot=" + quote_shell(slot_name(replica.name)) : "");
  script = replaced(script, "@MASTER@", quote_shell(spec.master.name));
  return replaced(script, "@CONNINFO@", quote_shell(conninfo));
}

}  // namespace pgdecl::engine
