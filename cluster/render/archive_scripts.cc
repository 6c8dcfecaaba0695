#include "cluster/render/archive_scripts.h"

#include "cluster/layout/naming.h"
#include "cluster/render/postgres_config.h"
#include "cluster/render/replica_config.h"
#include "cluster/render/script_text.h"

namespace pgdecl::engine {
namespace {

// pg_receivewal ends on SIGINT with what it received written out: a stop
// of the container passes it on and waits. A .partial segment keeps its
// name: pg_receivewal resumes from it, and a recovery never takes it for a
// whole segment.
constexpr const char* kArchiverScript = R"SH(set -eu
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p @WAL@ @BASE@
chown postgres:postgres @ARCHIVE@ @WAL@ @BASE@ @PASSFILE@
chmod 0600 @PASSFILE@
child=
stop() {
  if [ -n "$child" ]; then kill -INT "$child" 2>/dev/null || true; wait "$child" || true; fi
  exit 0
}
trap stop INT TERM
while :; do
  as_postgres pg_receivewal --directory=@WAL@ --slot=@SLOT@ --no-loop --status-interval=1 @SYNC@ \
    --no-password --dbname=@CONNINFO@ &
  child=$!
  wait "$child" || true
  child=
  sleep 1 &
  wait $! || true
done
)SH";

// The backup's times are the helper's clock, in UTC: `started` before
// pg_basebackup asks for its checkpoint, `ended` after it has the last
// WAL it needs, so a recovery target after `ended` is past the point
// where the backup is consistent.
constexpr const char* kBackupScript = R"SH(set -eu
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
id=@ID@
base=@BASE@
work="$base/$id.running"
mkdir -p "$base"
chown postgres:postgres @ARCHIVE@ "$base" @PASSFILE@
if [ -e "$base/$id" ] || [ -e "$base/$id.json" ]; then
  echo "pgdecl: a backup $id is already in the archive" >&2
  exit 4
fi
# Only one backup runs at a time (its container's name says so): a
# .running folder is what a killed one left behind.
rm -rf "$base"/*.running
now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
started=$(now)
as_postgres pg_basebackup --pgdata="$work" --wal-method=stream --checkpoint=@CHECKPOINT@ --no-sync \
  --label="pgdecl backup $id" --no-password --dbname=@CONNINFO@
ended=$(now)
# One syncfs makes the copy durable sooner than a sync of every file.
sync -f "$work"
start_lsn=$(sed -n 's/^START WAL LOCATION: \([0-9A-F/]*\).*/\1/p' "$work/backup_label")
timeline=$(sed -n 's/^START TIMELINE: \([0-9]*\).*/\1/p' "$work/backup_label")
end_lsn=$(sed -n 's/.*"End-LSN": "\([0-9A-F/]*\)".*/\1/p' "$work/backup_manifest" | tail -n 1)
bytes=$(du -sb "$work" | cut -f1)
verified=true
if ! as_postgres pg_verifybackup --quiet "$work" >"$base/$id.verify" 2>&1; then verified=false; fi
problem=$(head -n 1 "$base/$id.verify" | tr -d '"\\' | tr -cd '[:print:]')
checked=$(now)
printf '{"id":"%s","node":"%s","started":"%s","ended":"%s","start_lsn":"%s","end_lsn":"%s","timeline":%s,"bytes":%s,"verified":%s,"checked":"%s","problem":"%s"}\n' \
  "$id" @NODE@ "$started" "$ended" "$start_lsn" "$end_lsn" "${timeline:-0}" "$bytes" "$verified" "$checked" \
  "$problem" >"$base/$id.json.tmp"
chown postgres:postgres "$base/$id.json.tmp" "$base/$id.verify"
mv "$work" "$base/$id"
sync -f "$base"
mv "$base/$id.json.tmp" "$base/$id.json"
sync -f "$base"
echo "backup $(cat "$base/$id.json")"
[ "$verified" = true ]
)SH";

constexpr const char* kListingScript = R"SH(set -eu
cd @ARCHIVE@ 2>/dev/null || exit 0
for f in base/*.json; do if [ -f "$f" ]; then echo "backup $(head -n 1 "$f")"; fi; done
for d in base/*.running; do if [ -d "$d" ]; then echo "running ${d#base/}"; fi; done
if [ -d wal ]; then find wal -maxdepth 1 -type f -printf 'wal %f %s %T@\n'; fi
)SH";

// A backup's description is rewritten whole and renamed into place; the
// problem's text loses what would end its JSON string or the sed command.
constexpr const char* kVerifyScript = R"SH(set -eu
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
cd @ARCHIVE@
for json in base/*.json; do
  [ -f "$json" ] || continue
  id=$(basename "$json" .json)
  [ -d "base/$id" ] || continue
  verified=true
  if ! as_postgres pg_verifybackup --quiet "base/$id" >"base/$id.verify" 2>&1; then verified=false; fi
  problem=$(head -n 1 "base/$id.verify" | tr -d '"\\|&' | tr -cd '[:print:]')
  checked=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
  sed -e "s|\"verified\":[a-z]*|\"verified\":$verified|" -e "s|\"checked\":\"[^\"]*\"|\"checked\":\"$checked\"|" \
    -e "s|\"problem\":\"[^\"]*\"|\"problem\":\"$problem\"|" "$json" >"$json.tmp"
  chown postgres:postgres "$json.tmp"
  mv "$json.tmp" "$json"
done
)SH";

// The recovery runs in the helper, on a socket only, with a pg_hba.conf
// that trusts that socket alone: no network reaches it.
constexpr const char* kRestoreScript = R"SH(set -eu
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
pgdata=@PGDATA@
stage=@STAGE@
trap 'rm -rf "$stage"' EXIT
# The copy's marker stays until the restored data is whole and durable:
# a restore cut short (killed, a host that went down) is made again, and a
# node's start script waits while it is there.
if [ -s "$pgdata/PG_VERSION" ] && [ ! -e @COPYING@ ]; then
  echo "pgdecl: the volume holds data already: nothing is restored over it"
  exit 0
fi
empty_again() { rm -rf "$pgdata"; }
touch @COPYING@
sync @COPYING@
rm -rf "$pgdata"
mkdir -p "$pgdata" /var/run/postgresql
chown postgres:postgres @DATA@ "$pgdata" /var/run/postgresql "$stage" "$stage"/*
chmod 0700 "$pgdata"
echo "pgdecl: copying backup @ID@ at $(date -u +%H:%M:%S.%3N)"
if ! as_postgres cp -a @BASE@/@ID@/. "$pgdata/"; then empty_again; exit 1; fi
echo "pgdecl: replaying the archive's WAL from $(date -u +%H:%M:%S.%3N)"
# A backup of a standby holds its standby.signal; the restored data is a
# primary's once promoted.
rm -f "$pgdata/standby.signal" "$pgdata/backup_manifest" "$pgdata/postmaster.pid"
# The archive's newest WAL is in its newest .partial segment, which is
# never served under its full name from the archive: it is put in the
# restored pg_wal instead, where replay reads it last.
partial=$(ls @WAL@ | grep '\.partial$' | sort | tail -n 1 || true)
if [ -n "$partial" ] && [ ! -e "@WAL@/${partial%.partial}" ]; then
  as_postgres cp "@WAL@/$partial" "$pgdata/pg_wal/${partial%.partial}"
fi
as_postgres touch "$pgdata/recovery.signal"
echo "local all all trust" >"$stage/hba.conf"
chown postgres:postgres "$stage/hba.conf"
as_postgres postgres -D "$pgdata" -c listen_addresses= -c unix_socket_directories=/var/run/postgresql \
  -c hba_file="$stage/hba.conf" -c restore_command='cp @WAL@/%f %p' -c recovery_target_timeline=latest \
  -c recovery_target_action=promote -c primary_conninfo= -c primary_slot_name= -c synchronous_standby_names= \
  -c archive_mode=off -c fsync=off @TARGET@ &
server=$!
# Promoted once it answers that it is out of recovery: a hot standby
# answers read-only before that.
promoted() {
  [ "$(as_postgres psql -X -A -t -q -h /var/run/postgresql -U @SUPERUSER@ -d postgres \
    -c 'select pg_is_in_recovery()' 2>/dev/null)" = f ]
}
while ! promoted; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "pgdecl: the recovery stopped before the server was promoted" >&2
    empty_again
    exit 5
  fi
  sleep 0.2
done
if ! as_postgres psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -U @SUPERUSER@ -d postgres \
  -f "$stage/superuser.sql"; then
  as_postgres pg_ctl -D "$pgdata" stop -m immediate -w || true
  empty_again
  exit 6
fi
echo "pgdecl: promoted at $(date -u +%H:%M:%S.%3N)"
as_postgres pg_ctl -D "$pgdata" stop -m fast -w
echo "pgdecl: stopped at $(date -u +%H:%M:%S.%3N)"
install -o postgres -g postgres -m 0600 "$stage/pg_hba.conf" "$stage/pgdecl.conf" "$pgdata/"
# fsync was off during the replay: one syncfs makes it all durable before
# the marker goes.
sync -f "$pgdata"
rm -f @COPYING@
sync -f @DATA@
echo "pgdecl: restored from backup @ID@ and promoted"
)SH";

constexpr const char* kVerifyOneScript = R"SH(set -eu
exec setpriv --reuid=postgres --regid=postgres --init-groups pg_verifybackup --quiet @BASE@/@ID@
)SH";

// A backup's description goes first: a backup half removed is never
// listed as whole.
constexpr const char* kPruneScript = R"SH(set -eu
cd @ARCHIVE@
for id in @IDS@; do
  rm -f "base/$id.json"
  rm -rf "base/$id" "base/$id.verify"
  echo "removed backup $id"
done
if [ -n @OLDEST@ ] && [ -d wal ]; then
  setpriv --reuid=postgres --regid=postgres --init-groups pg_archivecleanup wal @OLDEST@
fi
)SH";

std::string archive_placeholders(std::string script) {
  script = replaced(script, "@ARCHIVE@", kArchiveMount);
  script = replaced(script, "@WAL@", kArchiveWalDir);
  return replaced(script, "@BASE@", kArchiveBaseDir);
}

}  // namespace

std::string archiver_conninfo(const spec::ClusterSpec& spec) {
  return "host=" + conninfo_value(read_write_alias(spec.name)) + " port=" + std::to_string(kPostgresPort) +
         " user=" + conninfo_value(spec.replication.user) +
         " application_name=" + conninfo_value(kArchiverApplicationName) +
         " passfile=" + conninfo_value(kArchiverPassfile);
}

std::string archiver_script(const spec::ClusterSpec& spec) {
  std::string script = archive_placeholders(kArchiverScript);
  script = replaced(script, "@PASSFILE@", kArchiverPassfile);
  script = replaced(script, "@SLOT@", quote_shell(slot_name(kArchiverName)));
  script = replaced(script, "@SYNC@", spec.backup.synchronous ? "--synchronous" : "");
  return replaced(script, "@CONNINFO@", quote_shell(archiver_conninfo(spec)));
}

std::string archiver_standby_names() { return std::string("\"") + kArchiverApplicationName + "\""; }

std::string base_backup_script(const spec::ClusterSpec& spec, const std::string& node,
                               const std::string& id) {
  const std::string conninfo = "host=" + conninfo_value(node) + " port=" + std::to_string(kPostgresPort) +
                               " user=" + conninfo_value(spec.replication.user) +
                               " application_name=" + conninfo_value("pgdecl_backup") +
                               " passfile=" + conninfo_value(kBackupPassfile);
  std::string script = archive_placeholders(kBackupScript);
  script = replaced(script, "@PASSFILE@", kBackupPassfile);
  script = replaced(script, "@ID@", quote_shell(id));
  script = replaced(script, "@NODE@", quote_shell(node));
  script = replaced(script, "@CHECKPOINT@", spec.replication.checkpoint);
  return replaced(script, "@CONNINFO@", quote_shell(conninfo));
}

std::string archive_listing_script() { return archive_placeholders(kListingScript); }

std::string verify_and_list_script() {
  return archive_placeholders(std::string(kVerifyScript) + kListingScript);
}

std::string verify_backup_script(const std::string& id) {
  return replaced(archive_placeholders(kVerifyOneScript), "@ID@", quote_shell(id));
}

std::string restore_script(const spec::ClusterSpec& spec, const std::string& id,
                           const std::string& recovery_settings) {
  std::string script = archive_placeholders(kRestoreScript);
  script = replaced(script, "@PGDATA@", kPgData);
  script = replaced(script, "@DATA@", kDataMount);
  script = replaced(script, "@COPYING@", kCopyingMarker);
  script = replaced(script, "@STAGE@", kRestoreStage);
  script = replaced(script, "@ID@", quote_shell(id));
  script = replaced(script, "@SUPERUSER@", quote_shell(spec.master.superuser.name));
  return replaced(script, "@TARGET@", recovery_settings);
}

std::string prune_script(const std::vector<std::string>& ids, const std::string& oldest_needed_segment) {
  std::string names;
  for (const auto& id : ids) names += (names.empty() ? "" : " ") + quote_shell(id);
  std::string script = replaced(archive_placeholders(kPruneScript), "@IDS@", names);
  return replaced(script, "@OLDEST@", quote_shell(oldest_needed_segment));
}

}  // namespace pgdecl::engine
