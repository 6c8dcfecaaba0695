#!/usr/bin/env bash
# The seed's cold start with three replicas: the like-for-like side of pgdecl's 1+3 cold apply.
#
#   bench/seed_cold13.sh ROUNDS [SEED_ROOT]    (SEED_ROOT: the seed-compose folder, holding
#                                               seed/ and standin-postgres15/)
#
# The seed's compose project has one replica, and its harness adds a second by copying the
# service block (seed/docker-compose.replica2.yml): `--scale` collides on the fixed port.
# This adds a third the same way (replica3, written below) and times, from a clean slate each
# round, what the harness's step d times for 1+1: from `docker-compose up -d --build` until a
# row inserted on the master (once every replica streams) is read on every replica, polled
# every 0.1 s as the harness polls. Image builds are inside the timed window, as in step d.
#
# It works on a copy of the seed (project seedbench13, network seedbench13_pg_network, host
# ports 55442-55445, a free 172.x/16) and touches nothing of the harness's own objects. The
# stand-in image seedbench/postgres:15 is built if missing and then removed at the end.
# Figures go to $RAW as tool=seed, case=seed13, metric d_row_on_all_replicas (and the steps
# before it); x_failed is 1 for a round whose replicas never all streamed (the seed has no
# slot, so three copies at once can lose WAL to each other's checkpoints), with the reason
# in notes.txt.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_env

rounds=$1
SEED_ROOT="${2:-/work/shared/bench/seed-compose}"
[ -d "$SEED_ROOT/seed" ] || die "no seed project in $SEED_ROOT/seed"
PROJECT=seedbench13
NET=seedbench13_pg_network
MPORT=55442
RPORTS=(55443 55444 55445)
STANDIN=seedbench/postgres:15
IMAGES=("${PROJECT}_master" "${PROJECT}_replica" "${PROJECT}_replica2" "${PROJECT}_replica3")
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0   # the harness's classic builder

# The seed hard-codes its master's address; find a /16 nobody uses and patch the copy to it.
subnet_taken() {
  ip -4 route 2>/dev/null | grep -q "^$1\." && return 0
  docker network ls -q | xargs -r docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' \
    2>/dev/null | tr ' ' '\n' | grep -q "^$1\."
}
prefix=""
for p in 172.18 172.19 172.20 172.21 172.22 172.23 172.24 172.25 172.26 172.27 172.28 172.29 172.30 172.31; do
  if ! subnet_taken "$p"; then prefix=$p; break; fi
done
[ -n "$prefix" ] || die "no free 172.18-31 /16 subnet for the seed's fixed address"

SEED="$WORK/seed13"
rm -rf "$SEED"
cp -a "$SEED_ROOT/seed" "$SEED"
sed 's/replica2/replica3/g; s/55434:5432/55445:5432/' "$SEED/docker-compose.replica2.yml" \
  > "$SEED/docker-compose.replica3.yml"
grep -rl '172\.18\.' "$SEED" | xargs -r sed -i "s/172\.18\./$prefix./g"
sed -i "s/seedbench_pg_network/$NET/; s/55432:5432/$MPORT:5432/; s/55433:5432/${RPORTS[0]}:5432/" \
  "$SEED/docker-compose.yml"
sed -i "s/55434:5432/${RPORTS[1]}:5432/" "$SEED/docker-compose.replica2.yml"
DC=(docker-compose -p "$PROJECT" --project-directory "$SEED" -f "$SEED/docker-compose.yml"
    -f "$SEED/docker-compose.replica2.yml" -f "$SEED/docker-compose.replica3.yml")

built_standin=0
if ! docker image inspect "$STANDIN" > /dev/null 2>&1; then
  say "seed 1+3: building the stand-in $STANDIN (not timed)"
  docker build --build-arg BASE_IMAGE=postgres:15 -t "$STANDIN" "$SEED_ROOT/standin-postgres15" \
    > "$RUN_DIR/logs/seed13-standin.log" 2>&1 || die "building the stand-in failed (logs/seed13-standin.log)"
  built_standin=1
fi

clean_seed13() {
  "${DC[@]}" down -v --remove-orphans > /dev/null 2>&1 || true
  local c; c="$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")"
  [ -z "$c" ] || docker rm -f -v $c > /dev/null 2>&1 || true
  docker rmi "${IMAGES[@]}" > /dev/null 2>&1 || true
  docker network rm "$NET" > /dev/null 2>&1 || true
}
finish() {
  clean_seed13
  [ "$built_standin" = 0 ] || docker rmi "$STANDIN" > /dev/null 2>&1 || true
}
trap finish EXIT

# As the harness: the seed's password is fixed and psql reaches the ports on loopback.
seed_q() {
  PGPASSWORD=postgrespassword PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtq -c "$2"
}
poll() {  # poll SECONDS cmd...: every 0.1 s
  local end=$(( ${EPOCHREALTIME%.*} + $1 )); shift
  until "$@" > /dev/null 2>&1; do
    (( ${EPOCHREALTIME%.*} < end )) || return 1
    sleep 0.1
  done
}
master_ok() { [ "$(seed_q "$MPORT" 'select 1')" = 1 ]; }
all_streaming() {
  [ "$(seed_q "$MPORT" "select count(*) from pg_stat_replication where application_name = 'walreceiver' and state = 'streaming'")" -ge 3 ]
}
row_on_all() {
  local p
  for p in "${RPORTS[@]}"; do
    [ "$(seed_q "$p" "select count(*) from seedbench_probe where token = '$1'")" = 1 ] || return 1
  done
}
seedrec() { echo "seed,seed13,$1,$2,$3" >> "$RAW"; say "  seed13 round $1: $2 = $3"; }

# One round; non-zero when the seed did not converge (then the reason is noted).
one_round() {
  local round=$1 t0 token svc
  say "seed 1+3 round $round: clean slate"
  clean_seed13
  docker network create --subnet="$prefix.0.0/16" "$NET" > /dev/null
  t0=$EPOCHREALTIME
  "${DC[@]}" up -d --build > "$RUN_DIR/logs/seed13-r$round-up.log" 2>&1 || { note "seed 1+3 round $round: up failed"; return 1; }
  seedrec "$round" a_up_build_returned "$(el "$t0" "$EPOCHREALTIME")"
  poll 240 master_ok || { note "seed 1+3 round $round: the master never accepted connections"; return 1; }
  seedrec "$round" b_master_accepts "$(el "$t0" "$EPOCHREALTIME")"
  if ! poll 60 all_streaming; then
    for svc in replica replica2 replica3; do
      docker logs "${PROJECT}_${svc}_1" > "$RUN_DIR/logs/seed13-r$round-$svc.log" 2>&1 || true
    done
    # Without a slot, one copy's checkpoint can remove WAL another copy still streams; the
    # seed's entrypoint then goes on and its image's entrypoint makes an empty new cluster.
    note "seed 1+3 round $round: not every replica streamed within 60 s; $(grep -h -m1 'pg_basebackup: error' "$RUN_DIR"/logs/seed13-r$round-replica*.log | head -1)"
    return 1
  fi
  seedrec "$round" c_all_streaming "$(el "$t0" "$EPOCHREALTIME")"
  token="r$round-$RANDOM$RANDOM"
  seed_q "$MPORT" "create table if not exists seedbench_probe(id serial primary key, token text); insert into seedbench_probe(token) values ('$token')" > /dev/null
  poll 240 row_on_all "$token" || { note "seed 1+3 round $round: the row never reached every replica"; return 1; }
  seedrec "$round" d_row_on_all_replicas "$(el "$t0" "$EPOCHREALTIME")"
}

for round in $(seq 1 "$rounds"); do
  if one_round "$round"; then seedrec "$round" x_failed 0; else seedrec "$round" x_failed 1; fi
done
