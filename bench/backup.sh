#!/usr/bin/env bash
# Backups and recovery, against the physical limit measured in the same run:
# `cp -a` of the primary's data directory on the same disk, volume to volume.
#
#   base_backup  pgdecl backup of the 2 GB case (pgbench -i -s $SCALE), copied from
#                the replica and verified by pg_verifybackup        goal <= 1.3x raw copy
#   restore      a new cluster restored from that backup plus about 1 GB of WAL, to a
#                time (pgdecl apply of a spec with restore:, until it returns)
#                                                                    goal <= 2x raw copy
#   rpo          docker kill of the primary under a client writing one row per statement,
#                then a recovery to the archive's end: the acknowledged rows it lacks,
#                with the archiver synchronous (goal 0) and without (measured)
#
#   bench/backup.sh                  # 3 rounds of the 2 GB cases, 5 of the RPO
#   ROUNDS=1 SCALE=20 bench/backup.sh   # smoke test
#
# Clusters benchbk, benchbkr (and the e2e fixtures of the RPO part) are removed at the end.
# Results: bench/results/backup-<UTC>/raw.csv (case,round,seconds,note), rpo.csv
# (mode,round,acknowledged,lost) and summary.md.
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build}
PGDECL=${PGDECL:-$BUILD/pgdecl}
SCALE=${SCALE:-130}
ROUNDS=${ROUNDS:-3}
WAL_BYTES=${WAL_BYTES:-1073741824}
out="$here/results/backup-$(date -u +%Y%m%dT%H%M%SZ)"
cluster=benchbk
restored=benchbkr
work=$(mktemp -d /tmp/pgdecl-benchbk.XXXXXX)
mkdir -p "$out"

bash "$root/scripts/setup.sh" >/dev/null
[ -x "$PGDECL" ] && [ -x "$BUILD/tests/e2e_tests" ] || bash "$root/scripts/build.sh"

cleanup() {
  for name in "$restored" "$cluster"; do
    [ -f "$work/$name.yaml" ] && "$PGDECL" destroy -f "$work/$name.yaml" --auto-approve --purge-volumes >/dev/null 2>&1
    docker ps -aq --filter "label=pgdecl.cluster=$name" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=pgdecl.cluster=$name" | xargs -r docker volume rm >/dev/null 2>&1 || true
  done
  docker volume rm -f "$cluster-rawcopy" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
sql() { docker exec -u postgres "$cluster-master" psql -X -A -t -d postgres -c "$1"; }

cat >"$work/$cluster.yaml" <<SPEC
version: 1
name: $cluster
network: { name: net }
images: { postgres: { tag: "postgres:15", pull: never } }
volumes: { master_data: {}, replica_data: {}, backups: {} }
master:
  name: master
  image: postgres
  volume: master_data
  publish: 127.0.0.1:0
  parameters: { max_wal_size: 4GB, checkpoint_timeout: 30min, max_slot_wal_keep_size: 8GB }
  hba: ["host all all samenet scram-sha-256"]
replicas:
  - { name: replica1, volume: replica_data, publish: 127.0.0.1:0,
      parameters: { max_wal_size: 4GB, checkpoint_timeout: 30min, max_slot_wal_keep_size: 8GB } }
replication: { user: replicator }
roles: [{ name: replicator, login: true, replication: true, password: { generate: true } }]
backup: { volume: backups, retention: { count: 0 } }
SPEC
restored_spec() {  # $1: the target time
  cat >"$work/$restored.yaml" <<SPEC
version: 1
name: $restored
network: { name: net }
images: { postgres: { tag: "postgres:15", pull: never } }
volumes: { data: {} }
master: { name: master, image: postgres, volume: data, publish: 127.0.0.1:0,
          parameters: { max_wal_size: 4GB } }
restore: { volume: $cluster-backups, target: { time: "$1" } }
SPEC
}

# Until the archiver and the replica hold everything the primary wrote.
caught_up() {
  for _ in $(seq 1 3000); do
    [ "$(sql "select count(*) from pg_stat_replication where write_lsn = pg_current_wal_lsn()")" = 2 ] && return 0
    sleep 0.1
  done
  echo "the archiver or the replica did not catch up" >&2
  return 1
}

echo "case,round,seconds,note" >"$out/raw.csv"
"$PGDECL" apply -f "$work/$cluster.yaml" --auto-approve >/dev/null
echo "loading pgbench scale $SCALE (once)..." >&2
docker exec -u postgres "$cluster-master" pgbench -i -q -s "$SCALE" postgres >/dev/null 2>&1
size=$(sql "select pg_size_pretty(pg_database_size('postgres'))")
echo "database: $size" >&2

for round in $(seq 1 "$ROUNDS"); do
  sql "checkpoint" >/dev/null
  caught_up
  docker volume rm -f "$cluster-rawcopy" >/dev/null 2>&1 || true
  docker volume create "$cluster-rawcopy" >/dev/null
  start=$(now)
  docker run --rm -v "$cluster-master_data:/src:ro" -v "$cluster-rawcopy:/dst" postgres:15 \
    cp -a /src/pgdata /dst/ >/dev/null
  echo "raw_copy,$round,$(elapsed "$start" "$(now)"),cp -a of $size" >>"$out/raw.csv"
  docker volume rm -f "$cluster-rawcopy" >/dev/null

  sleep 1  # a backup id is its start second
  start=$(now)
  "$PGDECL" backup -f "$work/$cluster.yaml" >"$work/backup.txt"
  echo "base_backup,$round,$(elapsed "$start" "$(now)"),$(tr ',' ';' <"$work/backup.txt" | tr -d '\n')" >>"$out/raw.csv"

  # About WAL_BYTES of WAL after the backup, then the target, then a little more.
  from=$(sql "select pg_current_wal_lsn()")
  while [ "$(sql "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$from') < $WAL_BYTES")" = t ]; do
    docker exec -u postgres "$cluster-master" pgbench -n -c 2 -T 5 postgres >/dev/null 2>&1
  done
  wal=$(sql "select pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$from'))")
  target=$(sql "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
  docker exec -u postgres "$cluster-master" pgbench -n -c 2 -T 2 postgres >/dev/null 2>&1
  caught_up

  restored_spec "$target"
  start=$(now)
  PGDECL_LOG=info "$PGDECL" apply -f "$work/$restored.yaml" --auto-approve >"$out/restore-$round.log" 2>&1
  echo "restore,$round,$(elapsed "$start" "$(now)"),backup + $wal of WAL to $target" >>"$out/raw.csv"
  "$PGDECL" destroy -f "$work/$restored.yaml" --auto-approve --purge-volumes >/dev/null
done

echo "mode,round,acknowledged,lost" >"$out/rpo.csv"
RPO_ROUNDS=${RPO_ROUNDS:-5}
ROUNDS="$RPO_ROUNDS" BACKUP_BENCH_OUT="$out/rpo.csv" "$BUILD/tests/e2e_tests" "[backup-bench]" >"$out/rpo.log"

python3 - "$out/raw.csv" "$out/rpo.csv" >"$out/summary.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(case):
    return statistics.median(float(r["seconds"]) for r in rows if r["case"] == case)
raw = med("raw_copy")
print("| case | rounds | median (s) | against the raw copy |")
print("|---|---|---|---|")
for case in ("raw_copy", "base_backup", "restore"):
    n = sum(1 for r in rows if r["case"] == case)
    print(f"| {case} | {n} | {med(case):.2f} | {med(case) / raw:.2f} |")
rpo = list(csv.DictReader(open(sys.argv[2])))
print()
print("| archiver | rounds | acknowledged rows | lost | worst round |")
print("|---|---|---|---|---|")
for mode in ("synchronous", "asynchronous"):
    mine = [r for r in rpo if r["mode"] == mode]
    if mine:
        print(f"| {mode} | {len(mine)} | {sum(int(r['acknowledged']) for r in mine)} | "
              f"{sum(int(r['lost']) for r in mine)} | {max(int(r['lost']) for r in mine)} |")
PY
cat "$out/summary.md"
echo "results: $out"
