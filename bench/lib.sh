# shellcheck shell=bash
# bench/lib.sh: helpers shared by bench/run.sh and the case scripts (sourced, never run).
#
# What the callers get:
#   pgd CASE ROUND LABEL ARGS...   run "$PGDECL ARGS..." under /usr/bin/time, log its output,
#                                  append one line to $TIME_CSV; sets PGD_T0/PGD_T1/PGD_ERR
#   rec CASE ROUND METRIC VALUE    append one pgdecl figure to $RAW
#   gen_spec CLUSTER COUNT         write $WORK/CLUSTER/spec.yaml (1 master + COUNT replicas)
#   clean_slate CLUSTER            destroy + purge volumes + remove anything labelled with it
#   node_port / master_password / q / wait_row   reach the nodes with psql on 127.0.0.1
#
# Only clusters named bench* are ever touched, and only the one named in each call: other
# bench* clusters (e.g. benchbig of bench/big_data.sh) may be running beside us.

# EPOCHREALTIME and printf must use '.' as the decimal separator.
export LC_ALL=C

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
DOCKER_SOCK="${DOCKER_HOST:-unix:///var/run/docker.sock}"
DOCKER_SOCK="${DOCKER_SOCK#unix://}"
POLL_S=0.02          # replica poll interval for "row readable" (20 ms)
ROW_TIMEOUT_S=120    # give up on a row that never shows up

say()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
# Observations worth a line in summary.md (odd pgdecl behaviour, failed sanity checks).
note() { say "NOTE: $*"; [ -z "${NOTES:-}" ] || printf '%s\n' "$*" >> "$NOTES"; }
# b - a, in seconds with microseconds; outside timed windows only (it forks awk).
el()   { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# The binary under test: $PGDECL, or a Release build of this checkout in build-bench/, kept
# apart from build/ so that a test build does not change the binary being measured.
ensure_pgdecl() {
  if [ -z "${PGDECL:-}" ]; then
    PGDECL="$REPO_DIR/build-bench/pgdecl"
    local log="${RUN_DIR:-/tmp}/build-bench.log"
    say "building pgdecl into $REPO_DIR/build-bench (Release, -j1; log: $log)"
    if ! cmake -S "$REPO_DIR" -B "$REPO_DIR/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release > "$log" 2>&1; then
      die "configuring pgdecl failed; see $log"
    fi
    ninja -C "$REPO_DIR/build-bench" pgdecl >> "$log" 2>&1 || die "building pgdecl failed; see $log"
  fi
  [ -x "$PGDECL" ] || die "PGDECL=$PGDECL is not an executable"
  export PGDECL
}

# The files every case writes to. run.sh exports these; a case script run on its own gets a
# scratch run directory.
bench_env() {
  if [ -z "${RUN_DIR:-}" ]; then
    RUN_DIR="$(mktemp -d /tmp/pgdecl-bench-run.XXXXXX)"
    mkdir -p "$RUN_DIR/logs"
    say "no RUN_DIR given; writing to $RUN_DIR"
  fi
  : "${WORK:=$RUN_DIR/work}"
  : "${RAW:=$RUN_DIR/raw.csv}"
  : "${TIME_CSV:=$RUN_DIR/pgdecl-time.csv}"
  : "${NOTES:=$RUN_DIR/notes.txt}"
  mkdir -p "$WORK" "$RUN_DIR/logs"
  [ -s "$RAW" ] || echo "tool,case,round,metric,value" > "$RAW"
  [ -s "$TIME_CSV" ] || echo "case,round,command,exit,elapsed_s,maxrss_kb,user_s,sys_s,wall_s" > "$TIME_CSV"
  touch "$NOTES"
  export RUN_DIR WORK RAW TIME_CSV NOTES
  ensure_pgdecl
}

rec() { echo "pgdecl,$1,$2,$3,$4" >> "$RAW"; say "  $1 round $2: $3 = $4"; }

# pgd CASE ROUND LABEL ARGS...: one pgdecl invocation, under /usr/bin/time (elapsed, peak RSS
# in KB, user and sys CPU seconds). The wall time from EPOCHREALTIME (microseconds, no fork)
# is what the cases use; /usr/bin/time's own %e has only 10 ms resolution.
PGD_SEQ=0
pgd() {
  local case=$1 round=$2 label=$3; shift 3
  local tf log rc=0 e m u s
  PGD_SEQ=$((PGD_SEQ + 1))
  tf="$WORK/time.$$.$PGD_SEQ"
  log="$RUN_DIR/logs/$case-r$round-$label-$$-$PGD_SEQ"
  PGD_T0=$EPOCHREALTIME
  /usr/bin/time -f '%e %M %U %S' -o "$tf" "$PGDECL" "$@" > "$log.out" 2> "$log.err" || rc=$?
  PGD_T1=$EPOCHREALTIME
  PGD_ERR="$log.err"
  # With a non-zero exit, time writes "Command exited with non-zero status N" first.
  read -r e m u s < <(tail -n 1 "$tf")
  rm -f "$tf"
  echo "$case,$round,$label,$rc,$e,$m,$u,$s,$(el "$PGD_T0" "$PGD_T1")" >> "$TIME_CSV"
  return "$rc"
}

spec_file() { echo "$WORK/$1/spec.yaml"; }

# gen_spec CLUSTER COUNT [WAL_SENDERS]: the bench spec, shaped like specs/cluster.yaml.
# Rewriting the file keeps .pgdecl/ (state and secrets) beside it, so a count change is an
# update of the same cluster.
# max_wal_senders stays at PostgreSQL's default 10 unless WAL_SENDERS asks for more; replicas
# start with the master's parameters, so a standby never runs below the master's value.
gen_spec() {
  local cluster=$1 count=$2 senders=${3:-10} dir="$WORK/$1"
  local slots=$(( count + 2 > 10 ? count + 2 : 10 ))
  mkdir -p "$dir"
  cat > "$dir/spec.yaml" <<EOF
version: 1
name: $cluster
network:
  name: net
images:
  postgres:
    tag: postgres:15
    pull: never
volumes:
  master_data: {}
master:
  name: master
  image: postgres
  volume: master_data
  publish: 127.0.0.1:0
  superuser:
    name: postgres
    password: { generate: true }
  parameters:
    wal_level: replica
    max_wal_senders: $senders
    max_replication_slots: $slots
    hot_standby: "on"
  hba:
    - host replication replicator samenet scram-sha-256
    - host all all samenet scram-sha-256
replicas: { count: $count, volume_prefix: replica_data }
replication:
  user: replicator
  slots: true
  checkpoint: fast
roles:
  - name: replicator
    login: true
    replication: true
    password: { generate: true }
EOF
}

# remove_labelled CLUSTER: whatever Docker still holds for this one cluster (exact label).
remove_labelled() {
  local cluster=$1
  case "$cluster" in bench*) ;; *) die "refusing to clean non-bench cluster '$cluster'" ;; esac
  docker ps -aq --filter "label=pgdecl.cluster=$cluster" | xargs -r docker rm -f -v > /dev/null 2>&1 || true
  docker volume ls -q --filter "label=pgdecl.cluster=$cluster" | xargs -r docker volume rm -f > /dev/null 2>&1 || true
  docker network ls -q --filter "label=pgdecl.cluster=$cluster" | xargs -r docker network rm > /dev/null 2>&1 || true
}

# leftovers CLUSTER: objects still named CLUSTER-* or labelled with it (should print nothing).
leftovers() {
  local cluster=$1
  {
    docker ps -a --format 'container {{.Names}}' --filter "label=pgdecl.cluster=$cluster"
    docker ps -a --format 'container {{.Names}}' | awk -v p="container $cluster-" 'index($0, p) == 1'
    docker volume ls --format 'volume {{.Name}}' --filter "label=pgdecl.cluster=$cluster"
    docker volume ls --format 'volume {{.Name}}' | awk -v p="volume $cluster-" 'index($0, p) == 1'
    docker network ls --format 'network {{.Name}}' --filter "label=pgdecl.cluster=$cluster"
    docker network ls --format 'network {{.Name}}' | awk -v p="network $cluster-" 'index($0, p) == 1'
  } | sort -u
}

# destroy_cluster CASE ROUND CLUSTER: pgdecl's own destroy (timed like every invocation).
destroy_cluster() {
  local case=$1 round=$2 cluster=$3 spec
  spec="$(spec_file "$cluster")"
  [ -f "$spec" ] || return 0
  pgd "$case" "$round" destroy destroy -f "$spec" --auto-approve --purge-volumes \
    || note "$case round $round: 'pgdecl destroy --purge-volumes' of $cluster exited non-zero (see $PGD_ERR)"
}

# remove_by_name: reads "kind name" lines (as leftovers prints them) and removes each object:
# unlabelled leftovers named after a cluster.
remove_by_name() {
  local kind name
  while read -r kind name; do
    case "$kind" in
      container) docker rm -f -v "$name" > /dev/null 2>&1 || true ;;
      volume) docker volume rm -f "$name" > /dev/null 2>&1 || true ;;
      network) docker network rm "$name" > /dev/null 2>&1 || true ;;
    esac
  done
}

# clean_slate CLUSTER [CASE ROUND]: nothing of CLUSTER left in Docker, and no state, secrets
# or spec on disk, so the next apply starts from nothing.
clean_slate() {
  local cluster=$1 case=${2:-cleanup} round=${3:-0} left
  destroy_cluster "$case" "$round" "$cluster"
  remove_labelled "$cluster"
  left="$(leftovers "$cluster")"
  if [ -n "$left" ]; then
    note "after destroy of $cluster, Docker still held (removed by the harness): $(echo "$left" | tr '\n' ' ')"
    echo "$left" | remove_by_name
  fi
  rm -rf "${WORK:?}/$cluster"
}

# clean_on_failure CLUSTER: for a case script's traps. On a failed or interrupted exit the
# cluster is removed; on success it is left for the next case (run.sh removes it in the end).
clean_on_failure() {
  local cluster=$1
  # shellcheck disable=SC2064  # the cluster name is fixed when the trap is set
  trap "rc=\$?; trap - EXIT; if [ \$rc != 0 ]; then say \"failed (exit \$rc): removing $cluster\"; quiet_clean $cluster; fi; exit \$rc" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Cleanup for traps: no timing, no output, never fails.
quiet_clean() {
  local cluster=$1 spec
  spec="$(spec_file "$cluster")"
  [ ! -f "$spec" ] || "$PGDECL" destroy -f "$spec" --auto-approve --purge-volumes > /dev/null 2>&1 || true
  remove_labelled "$cluster" || true
  leftovers "$cluster" | remove_by_name
  rm -rf "${WORK:?}/$cluster"
}

# node_port CLUSTER NODE: the host port Docker published for the node's 5432 on 127.0.0.1.
node_port() {
  local hp
  hp="$(docker port "$1-$2" 5432/tcp 2> /dev/null | grep -m1 '^127\.0\.0\.1:')" \
    || die "$1-$2 publishes no 127.0.0.1 port for 5432"
  echo "${hp##*:}"
}

# master_password CLUSTER: the generated superuser password, from the secrets file (mode 0600).
# Kept in a shell variable and handed to psql through its environment only; never printed.
master_password() {
  python3 - "$WORK/$1/.pgdecl/$1.secrets.json" <<'PY'
import json, sys
print(json.load(open(sys.argv[1]))["secrets"]["superuser.postgres"])
PY
}

# q PORT SQL: one psql round trip as postgres. Needs PW set (see master_password).
q() {
  PGPASSWORD="$PW" PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtq -c "$2"
}

# wait_row TOKEN PORT...: poll each replica every $POLL_S until every one reads the row with
# TOKEN. Sets ROW_T (EPOCHREALTIME when the last one read it). Non-zero on timeout.
# shellcheck disable=SC2034  # ROW_T is read by the case scripts
wait_row() {
  local token=$1 p end; shift
  local -a left=("$@") still
  end=$(( ${EPOCHREALTIME%.*} + ROW_TIMEOUT_S ))
  while :; do
    still=()
    for p in "${left[@]}"; do
      [ "$(q "$p" "select count(*) from bench_probe where token = '$token'" 2> /dev/null)" = 1 ] \
        || still+=("$p")
    done
    ROW_T=$EPOCHREALTIME
    [ "${#still[@]}" -gt 0 ] || return 0
    left=("${still[@]}")
    (( ${EPOCHREALTIME%.*} < end )) || return 1
    sleep "$POLL_S"
  done
}

# insert_row PORT TOKEN: the probe row, written on the master (table made on first use).
insert_row() {
  q "$1" "create table if not exists bench_probe(id serial primary key, token text, at timestamptz default now());
          insert into bench_probe(token) values ('$2')" > /dev/null
}

# n_streaming PORT: replicas streaming from the master at PORT (pg_stat_replication; pgdecl
# names each walreceiver after its replica, and pg_basebackup's own stream is excluded).
n_streaming() {
  q "$1" "select count(*) from pg_stat_replication where state = 'streaming' and application_name like 'replica%'"
}
