#!/usr/bin/env bash
# Cases 5 and 6 of the benchmark: a master holding about 2 GB
# (pgbench -i -s $SCALE), then
#   5. a replica's bootstrap (pgdecl apply, 0 -> 1 replica, until it streams)
#      against the physical limit: `cp -a` of the same data directory on the
#      same disk, in a container, volume to volume;
#   6. a restart of that replica (docker restart) until the master sees it
#      streaming again, and a replica whose container was removed brought
#      back by pgdecl apply: neither may copy anything.
# The seed re-copies the whole data directory on every replica start, so its
# restart costs at least the raw copy plus a checkpoint wait; that bound is
# what case 6 is compared with.
#
# Usage: bench/big_data.sh [OUT_CSV]    (env: PGDECL, SCALE=130, ROUNDS=3)
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
PGDECL=${PGDECL:-$root/build/pgdecl}
SCALE=${SCALE:-130}
ROUNDS=${ROUNDS:-3}
out=${1:-/dev/stdout}
cluster=benchbig
work=$(mktemp -d /tmp/pgdecl-benchbig.XXXXXX)

cleanup() {
  "$PGDECL" destroy -f "$work/spec.yaml" --auto-approve --purge-volumes >/dev/null 2>&1 || true
  docker ps -aq --filter "label=pgdecl.cluster=$cluster" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker volume ls -q --filter "label=pgdecl.cluster=$cluster" | xargs -r docker volume rm >/dev/null 2>&1 || true
  docker volume rm -f "$cluster-rawcopy" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }

write_spec() {  # $1: number of replicas
  cat >"$work/spec.yaml" <<SPEC
version: 1
name: $cluster
network: { name: net }
images: { postgres: { tag: "postgres:15", pull: never } }
volumes: { master_data: {} }
master:
  image: postgres
  volume: master_data
  publish: 127.0.0.1:0
  superuser: { password: { generate: true } }
  parameters: { max_wal_size: 4GB, checkpoint_timeout: 30min }
  hba: ["host all all samenet scram-sha-256"]
SPEC
  if [ "$1" -gt 0 ]; then
    cat >>"$work/spec.yaml" <<SPEC
replicas: { count: $1, volume_prefix: replica_data }
replication: { user: replicator }
roles: [{ name: replicator, login: true, replication: true, password: { generate: true } }]
SPEC
  fi
}

master_sql() { docker exec -u postgres "$cluster-master" psql -X -A -t -d postgres -c "$1"; }

# The master's own view: the replica's WAL receiver streaming.
streaming() {
  [ "$(master_sql "select count(*) from pg_stat_replication where application_name = 'replica1' \
        and state = 'streaming'")" = 1 ]
}

wait_streaming() {
  for _ in $(seq 1 6000); do streaming && return 0; sleep 0.02; done
  echo "replica1 did not stream again" >&2
  return 1
}

echo "case,round,seconds,note" >"$out"
write_spec 0
"$PGDECL" apply -f "$work/spec.yaml" --auto-approve >/dev/null
echo "loading pgbench scale $SCALE into the master (once)..." >&2
docker exec -u postgres "$cluster-master" pgbench -i -q -s "$SCALE" postgres >/dev/null 2>&1
size=$(master_sql "select pg_size_pretty(pg_database_size('postgres'))")
echo "master database: $size" >&2

for round in $(seq 1 "$ROUNDS"); do
  # The physical limit: the same data directory copied on the same disk.
  docker volume rm -f "$cluster-rawcopy" >/dev/null 2>&1 || true
  docker volume create "$cluster-rawcopy" >/dev/null
  master_sql "checkpoint" >/dev/null
  start=$(now)
  docker run --rm -v "$cluster-master_data:/src:ro" -v "$cluster-rawcopy:/dst" postgres:15 \
    cp -a /src/pgdata /dst/ >/dev/null
  echo "raw_copy,$round,$(elapsed "$start" "$(now)"),cp -a of $size" >>"$out"
  docker volume rm -f "$cluster-rawcopy" >/dev/null

  # Bootstrap: 0 -> 1 replica, apply returns when it streams.
  write_spec 1
  start=$(now)
  /usr/bin/time -f '%e %M %U %S' -o "$work/time.txt" "$PGDECL" apply -f "$work/spec.yaml" --auto-approve >/dev/null
  echo "bootstrap,$round,$(elapsed "$start" "$(now)"),rss_kb=$(cut -d' ' -f2 "$work/time.txt")" >>"$out"

  # Restart: the data stays, nothing is copied.
  start=$(now)
  docker restart "$cluster-replica1" >/dev/null
  wait_streaming
  echo "restart,$round,$(elapsed "$start" "$(now)"),docker restart until streaming" >>"$out"

  # Container removed: pgdecl starts a new one on the same data.
  docker rm -f "$cluster-replica1" >/dev/null
  start=$(now)
  "$PGDECL" apply -f "$work/spec.yaml" --auto-approve >/dev/null
  echo "recreate,$round,$(elapsed "$start" "$(now)"),pgdecl apply after docker rm" >>"$out"

  # Back to 0 replicas, the replica's volume gone, for the next round.
  write_spec 0
  "$PGDECL" apply -f "$work/spec.yaml" --auto-approve >/dev/null
  docker volume rm -f "$cluster-replica_data1" >/dev/null
done
