#include "cluster/render/replica_config.h"

#include "cluster/layout/naming.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/script_text.h"

namespace pgdecl::engine {
namespace {

// The stage holds the passfile: the trap removes it however the copy ends.
// Every volume the copy is for (the replica's own at @DATA@, those sharing
// it under @SHARED_ROOT@) gets the data whole before any marker is written:
// a replica's server starts on its marker, and a clone must not be taken
// from a data directory a server already runs on.
constexpr const char* kBootstrapScript = R"SH(set -eu
data=@DATA@
stage=@STAGE@/bootstrap
trap 'rm -rf "$stage"' EXIT
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
names=$(echo @REPLICA@ @SHARING@)
volume_of() { if [ "$1" = @REPLICA@ ]; then echo "$data"; else echo "@SHARED_ROOT@/$1"; fi; }
for name in $names; do
  volume=$(volume_of "$name")
  touch "$volume/@COPYING_NAME@"
  rm -f "$volume/@MARKER_NAME@"
  if [ @WIPE@ = yes ]; then rm -rf "$volume/pgdata"; fi
  if [ -d "$volume/pgdata" ] && [ -n "$(ls -A "$volume/pgdata")" ]; then
    echo "pgdecl: the data directory of $name already holds data; it is not copied over" >&2
    exit 3
  fi
  mkdir -p "$volume/pgdata"
  chown postgres:postgres "$volume" "$volume/pgdata"
  chmod 0700 "$volume/pgdata"
done
chown postgres:postgres "$stage/passfile"
as_postgres pg_basebackup --pgdata="$data/pgdata" --wal-method=stream --checkpoint=@CHECKPOINT@ @SLOT@ \
  --no-password --dbname=@CONNINFO@
clones=""
for name in @SHARING@; do
  as_postgres cp -a "$data/pgdata/." "$(volume_of "$name")/pgdata/" &
  clones="$clones $!"
done
for clone in $clones; do wait "$clone"; done
for name in $names; do
  volume=$(volume_of "$name")
  install -o postgres -g postgres -m 0600 "$stage/$name/pg_hba.conf" "$stage/$name/pgdecl.conf" "$volume/pgdata/"
  install -o postgres -g postgres -m 0600 "$stage/passfile" "$volume/@PASSFILE_NAME@"
  as_postgres touch "$volume/pgdata/standby.signal"
done
# pg_basebackup made its copy durable, the clones and these files are made
# durable here, and only then the markers that say each copy is whole.
for name in $names; do sync -f "$(volume_of "$name")"; done
for name in $names; do
  volume=$(volume_of "$name")
  echo "copied from @MASTER@" >"$volume/@MARKER_NAME@"
  sync "$volume/@MARKER_NAME@" "$volume"
  rm -f "$volume/@COPYING_NAME@"
done
)SH";

// pg_rewind finishes a crash recovery first, in single-user mode, which
// refuses standby mode: standby.signal is moved aside for it and put back
// by the trap, whatever happens.
constexpr const char* kRewindScript = R"SH(set -eu
pgdata=@PGDATA@
stage=@STAGE@/rewind
trap 'as_postgres touch "$pgdata/standby.signal"; rm -rf "$stage"' EXIT
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
chown postgres:postgres "$stage/passfile"
rm -f "$pgdata/standby.signal"
as_postgres pg_rewind --target-pgdata="$pgdata" --source-server=@CONNINFO@ --progress
)SH";

}  // namespace

std::string any_database_passfile(const std::string& user, const std::string& password) {
  return "*:*:*:" + passfile_field(user) + ":" + passfile_field(password) + "\n";
}

std::string rewind_script(const spec::ClusterSpec& spec) {
  const std::string conninfo =
      "host=127.0.0.1 port=" + std::to_string(kPostgresPort) +
      " user=" + conninfo_value(spec.master.superuser.name) +
      " dbname=postgres passfile=" + conninfo_value(std::string(kStagingDir) + "/rewind/passfile");
  std::string script = replaced(kRewindScript, "@PGDATA@", kPgData);
  script = replaced(script, "@STAGE@", kStagingDir);
  return replaced(script, "@CONNINFO@", quote_shell(conninfo));
}

std::string slot_name(const std::string& replica) { return "pgdecl_" + replica; }

std::string replica_conninfo(const spec::ClusterSpec& spec, const spec::NodeSpec& replica) {
  return "host=" + conninfo_value(spec.primary().name) + " port=" + std::to_string(kPostgresPort) +
         " user=" + conninfo_value(spec.replication.user) +
         " application_name=" + conninfo_value(replica.name) +
         " passfile=" + conninfo_value(kReplicationPassfile);
}

std::string replication_passfile(const std::string& user, const std::string& password) {
  return "*:*:replication:" + passfile_field(user) + ":" + passfile_field(password) + "\n";
}

std::string replica_bootstrap_script(const spec::ClusterSpec& spec, const spec::NodeSpec& replica, bool wipe,
                                     const std::vector<std::string>& sharing) {
  // The copy's own application_name tells it apart from the replica's WAL
  // receiver in pg_stat_replication.
  const std::string conninfo =
      "host=" + conninfo_value(spec.primary().name) + " port=" + std::to_string(kPostgresPort) +
      " user=" + conninfo_value(spec.replication.user) +
      " application_name=" + conninfo_value("pgdecl_bootstrap_" + replica.name) +
      " passfile=" + conninfo_value(std::string(kStagingDir) + "/bootstrap/passfile");
  std::string shared_names;
  for (const auto& name : sharing) shared_names += (shared_names.empty() ? "" : " ") + quote_shell(name);
  std::string script = replaced(kBootstrapScript, "@DATA@", kDataMount);
  script = replaced(script, "@STAGE@", kStagingDir);
  script = replaced(script, "@SHARED_ROOT@", kSharedCopyMounts);
  script = replaced(script, "@SHARING@", shared_names);
  script = replaced(script, "@REPLICA@", quote_shell(replica.name));
  script = replaced(script, "@MARKER_NAME@",
                    std::string(kStandbyMarker).substr(std::string(kDataMount).size() + 1));
  script = replaced(script, "@COPYING_NAME@",
                    std::string(kCopyingMarker).substr(std::string(kDataMount).size() + 1));
  script = replaced(script, "@PASSFILE_NAME@",
                    std::string(kReplicationPassfile).substr(std::string(kDataMount).size() + 1));
  script = replaced(script, "@WIPE@", wipe ? "yes" : "no");
  script = replaced(script, "@CHECKPOINT@", spec.replication.checkpoint);
  script = replaced(script, "@SLOT@",
                    spec.replication.slots ? "--slot=" + quote_shell(slot_name(replica.name)) : "");
  script = replaced(script, "@MASTER@", quote_shell(spec.primary().name));
  return replaced(script, "@CONNINFO@", quote_shell(conninfo));
}

}  // namespace pgdecl::engine
