#!/usr/bin/env bash
# Case 2: nothing to do. `pgdecl plan` on a converged cluster (run.sh: the 1+3 one that
# case_cold.sh just brought up), 3 times a round, and the floor: the bare calls a refresh
# needs, made from the shell and timed together.
#
#   bench/case_noop.sh ROUND CLUSTER COUNT
#
# Figures (raw.csv, case noop1+COUNT):
#   plan_s     one `pgdecl plan --detailed-exitcode` (exit 2 = it found changes: noted)
#   floor_s    one pass of the floor loop: curl over the Docker socket GET /version and the
#              three label-filtered lists (containers, networks, volumes), then one
#              `psql -c 'select 1'` per node, one after another. It pays a process start per
#              call, which pgdecl does not, so it is a floor for "the same calls from a
#              shell", not a lower bound for pgdecl.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_env

round=$1 cluster=$2 count=$3
case_name="noop1+$count"
PLANS=${PLANS_PER_ROUND:-3}
clean_on_failure "$cluster"

spec="$(spec_file "$cluster")"
[ -f "$spec" ] || die "$case_name: no cluster $cluster (run case_cold.sh first)"

for i in $(seq 1 "$PLANS"); do
  rc=0
  pgd "$case_name" "$round" plan plan -f "$spec" --detailed-exitcode || rc=$?
  case "$rc" in
    0) ;;
    2) note "$case_name round $round: a plan right after a converged apply found changes: $(grep -E '^ *[-+~]|Plan:' "${PGD_ERR%.err}.out" | head -5 | tr '\n' ' ')" ;;
    *) die "$case_name: pgdecl plan failed (see $PGD_ERR)" ;;
  esac
  rec "$case_name" "$round" plan_s "$(el "$PGD_T0" "$PGD_T1")"
done

# The floor. Ports and password are looked up outside the timed loop.
PW="$(master_password "$cluster")"
ports=("$(node_port "$cluster" master)")
for i in $(seq 1 "$count"); do ports+=("$(node_port "$cluster" "replica$i")"); done
filter="{\"label\":[\"pgdecl.cluster=$cluster\"]}"
floor_once() {
  curl -sf --unix-socket "$DOCKER_SOCK" http://localhost/version > /dev/null
  local what
  for what in containers networks volumes; do
    local path="/$what"
    [ "$what" = containers ] && path="/containers/json?all=1"
    curl -sf --unix-socket "$DOCKER_SOCK" -G --data-urlencode "filters=$filter" "http://localhost$path" > /dev/null
  done
  local p
  for p in "${ports[@]}"; do
    [ "$(q "$p" 'select 1')" = 1 ]
  done
}
for i in $(seq 1 "$PLANS"); do
  t0=$EPOCHREALTIME
  floor_once
  t1=$EPOCHREALTIME
  rec "$case_name" "$round" floor_s "$(el "$t0" "$t1")"
done
