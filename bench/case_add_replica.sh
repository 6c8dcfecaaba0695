#!/usr/bin/env bash
# Case 4: add one replica to a converged 1+COUNT cluster (spec count COUNT -> COUNT+1), until
# the new replica streams and the probe row that case_cold.sh wrote is readable on it
# (the seed's step f: replica2 added with `up -d --build`, until the row is on replica2).
#
#   bench/case_add_replica.sh ROUND CLUSTER COUNT
#
# Figures (raw.csv, case add1+COUNT):
#   apply_s        `pgdecl apply` returned (pgdecl returns once the new replica streams)
#   row_on_new_s   THE figure: apply_s + the poll until the new replica read the row (the
#                  port lookup in between is not counted, as in case_cold.sh)
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_env

round=$1 cluster=$2 count=$3
new=$((count + 1))
case_name="add1+$count"
clean_on_failure "$cluster"

spec="$(spec_file "$cluster")"
[ -f "$spec" ] || die "$case_name: no spec for $cluster (run case_cold.sh first)"
[ -f "$WORK/$cluster/token" ] || die "$case_name: no cluster $cluster (run case_cold.sh first)"
token="$(cat "$WORK/$cluster/token")"

gen_spec "$cluster" "$new"   # same folder: state and secrets stay, only the count changes
pgd "$case_name" "$round" apply apply -f "$spec" --auto-approve \
  || die "$case_name: pgdecl apply failed (see $PGD_ERR)"
t0=$PGD_T0 t_apply=$PGD_T1

PW="$(master_password "$cluster")"
mport="$(node_port "$cluster" master)"
nport="$(node_port "$cluster" "replica$new")"
t_poll=$EPOCHREALTIME
wait_row "$token" "$nport" || die "$case_name: the row never reached replica$new"
t_row=$ROW_T

apply_s="$(el "$t0" "$t_apply")"
poll_s="$(el "$t_poll" "$t_row")"
rec "$case_name" "$round" apply_s "$apply_s"
rec "$case_name" "$round" poll_s "$poll_s"
rec "$case_name" "$round" row_on_new_s "$(awk -v a="$apply_s" -v b="$poll_s" 'BEGIN { printf "%.6f", a + b }')"

# Sanity (after the clock stopped).
n="$(n_streaming "$mport")"
[ "$n" = "$new" ] || note "$case_name round $round: after apply, $n of $new replicas streaming"
