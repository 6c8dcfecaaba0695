#!/usr/bin/env bash
# Case 3: how a no-op refresh grows with the number of replicas. For each N in $GROWTH
# (default "1 4 8 16"): cluster benchgrowN from a clean slate, one apply, then
# `pgdecl --log-level debug plan` $GROWTH_PLANS times (default 5), then destroy --purge-volumes.
#
#   bench/case_growth.sh
#
# Figures (raw.csv, case growth-N, round = the plan's index 1..5):
#   plan_s, and from pgdecl's stderr line
#   "debug: refresh: <R> resources in <ms> ms, <D> Docker API requests, <C> PostgreSQL
#    connections, <S> SQL round trips":
#   refresh_ms, resources, docker_requests, pg_connections, sql_round_trips
#   apply_s (round 0): the apply that brought the cluster up (context only)
#
# max_wal_senders is raised to N+2 when that is above the default 10 (N streams plus one
# pg_basebackup's two); a copy that finds every sender busy waits for one. An N whose apply
# fails is recorded as failed (a note with pgdecl's error) and the next N goes on.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_env

GROWTH=${GROWTH:-1 4 8 16}
PLANS=${GROWTH_PLANS:-5}
current=""
# On a failed or interrupted exit, the cluster being measured is removed.
trap 'rc=$?; trap - EXIT; if [ "$rc" != 0 ] && [ -n "$current" ]; then say "growth failed (exit $rc): removing $current"; quiet_clean "$current"; fi; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for n in $GROWTH; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "GROWTH must list positive integers, got '$n'"
  cluster="benchgrow$n" case_name="growth-$n" current="benchgrow$n"
  say "$case_name: clean slate, apply 1+$n"
  clean_slate "$cluster" "$case_name" 0
  gen_spec "$cluster" "$n" $(( n + 2 > 10 ? n + 2 : 10 ))
  spec="$(spec_file "$cluster")"
  if ! pgd "$case_name" 0 apply apply -f "$spec" --auto-approve; then
    note "$case_name: pgdecl apply of 1+$n failed, so N=$n was not measured: $(grep -E 'Error|FATAL|DETAIL' "$PGD_ERR" | grep -v 'starting up' | head -n 3 | tr '\n' ' ' | cut -c1-500) (log: ${PGD_ERR#"$RUN_DIR"/})"
    rec "$case_name" 0 apply_failed 1
    clean_slate "$cluster" "$case_name" 0
    current=""
    continue
  fi
  rec "$case_name" 0 apply_s "$(el "$PGD_T0" "$PGD_T1")"

  for i in $(seq 1 "$PLANS"); do
    rc=0
    pgd "$case_name" "$i" plan --log-level debug plan -f "$spec" --detailed-exitcode || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 2 ] || die "$case_name: plan failed (see $PGD_ERR)"
    [ "$rc" = 0 ] || note "$case_name plan $i: a no-op plan found changes (exit 2)"
    rec "$case_name" "$i" plan_s "$(el "$PGD_T0" "$PGD_T1")"
    line="$(grep -m1 'refresh: .* resources in .* Docker API requests' "$PGD_ERR" || true)"
    if [[ "$line" =~ refresh:\ ([0-9]+)\ resources\ in\ ([0-9.]+)\ ms,\ ([0-9]+)\ Docker\ API\ requests,\ ([0-9]+)\ PostgreSQL\ connections,\ ([0-9]+)\ SQL\ round\ trips ]]; then
      rec "$case_name" "$i" resources "${BASH_REMATCH[1]}"
      rec "$case_name" "$i" refresh_ms "${BASH_REMATCH[2]}"
      rec "$case_name" "$i" docker_requests "${BASH_REMATCH[3]}"
      rec "$case_name" "$i" pg_connections "${BASH_REMATCH[4]}"
      rec "$case_name" "$i" sql_round_trips "${BASH_REMATCH[5]}"
    else
      note "$case_name plan $i: no 'refresh: ...' debug line on stderr (see $PGD_ERR)"
    fi
  done

  clean_slate "$cluster" "$case_name" 0
  current=""
done
