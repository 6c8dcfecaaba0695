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

}  // namespace pgdecl::engine
