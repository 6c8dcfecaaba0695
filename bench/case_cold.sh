#!/usr/bin/env bash
# Case 1: cold apply, from nothing to "every replica streaming and a row written on the master
# readable on each replica".
#
#   bench/case_cold.sh ROUND CLUSTER COUNT     (CLUSTER: bench*, COUNT: replicas)
#
# The cluster is left up on success (run.sh goes on with the no-op plan and add-replica cases
# on the 1+3 one, and destroys it); on failure it is removed. The probe row's token is kept in
# $WORK/CLUSTER/token for the add-replica case.
#
# Figures (seconds, in raw.csv as case cold<1+COUNT>):
#   apply_s        `pgdecl apply --auto-approve` returned (pgdecl returns once every replica
#                  streams, so nothing is polled before the insert)
#   insert_to_all_s  from the INSERT on the master until the last replica read the row
#   row_on_all_s   THE figure: apply_s + insert_to_all_s, i.e. apply start to the row read on
#                  the last replica, minus the harness's own bookkeeping in between (finding
#                  the published ports and reading the password: `lookup_s`, which the seed's
#                  harness, with fixed ports and passwords, does not have)
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_env

round=$1 cluster=$2 count=$3
case_name="cold1+$count"
clean_on_failure "$cluster"

say "$case_name round $round: clean slate for $cluster"
clean_slate "$cluster" "$case_name" "$round"
gen_spec "$cluster" "$count"
spec="$(spec_file "$cluster")"

# Timed: apply from nothing.
pgd "$case_name" "$round" apply apply -f "$spec" --auto-approve \
  || die "$case_name: pgdecl apply failed (see $PGD_ERR)"
t0=$PGD_T0 t_apply=$PGD_T1

# Not timed: where to connect (the seed knows its ports and password beforehand).
PW="$(master_password "$cluster")"
mport="$(node_port "$cluster" master)"
rports=()
for i in $(seq 1 "$count"); do rports+=("$(node_port "$cluster" "replica$i")"); done
t_lookup_end=$EPOCHREALTIME

# Timed: the row, written on the master, read on every replica (polled every 20 ms).
token="$cluster-r$round-$RANDOM$RANDOM"
t_ins=$EPOCHREALTIME
insert_row "$mport" "$token"
wait_row "$token" "${rports[@]}" || die "$case_name: the row never reached every replica"
t_row=$ROW_T
echo "$token" > "$WORK/$cluster/token"

apply_s="$(el "$t0" "$t_apply")"
lookup_s="$(el "$t_apply" "$t_lookup_end")"
ins_s="$(el "$t_ins" "$t_row")"
rec "$case_name" "$round" apply_s "$apply_s"
rec "$case_name" "$round" lookup_s "$lookup_s"
rec "$case_name" "$round" insert_to_all_s "$ins_s"
rec "$case_name" "$round" row_on_all_s "$(awk -v a="$apply_s" -v b="$ins_s" 'BEGIN { printf "%.6f", a + b }')"
rec "$case_name" "$round" wall_incl_lookup_s "$(el "$t0" "$t_row")"

# Sanity (after the clock stopped): every replica streams, as apply promised.
n="$(n_streaming "$mport")"
[ "$n" = "$count" ] || note "$case_name round $round: after apply, $n of $count replicas streaming in pg_stat_replication"
