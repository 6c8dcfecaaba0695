#!/usr/bin/env bash
# The kill -9 campaign at every step boundary (CI tries 15 spread over the
# timeline): an apply of a master, two replicas, roles and a database is
# killed at boundary N, for every N the apply reaches, and each time the
# next apply must converge with nothing orphaned, one slot per replica and
# no row lost (tests/e2e/kill_campaign_test.cc).
#
#   bench/kill_campaign.sh            # every boundary, once
#   ROUNDS=3 bench/kill_campaign.sh   # every boundary, three times over
#
# Builds build/ like scripts/build.sh when its tests are missing; prints the
# figures to record in docs/BENCHMARKS.md.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUNDS="${ROUNDS:-1}"
case "$ROUNDS" in '' | *[!0-9]*) echo "ROUNDS must be a whole number" >&2; exit 2 ;; esac
bash scripts/setup.sh
[ -x build/tests/e2e_tests ] || bash scripts/build.sh
for round in $(seq 1 "$ROUNDS"); do
  start=$(date +%s)
  log="$(mktemp)"
  if PGDECL_KILL_CAMPAIGN=all build/tests/e2e_tests "kill -9 at any step*" -s >"$log" 2>&1; then
    outcome=passed
  else
    outcome=FAILED
  fi
  points=$(grep -o "killed at boundary [0-9]* of [0-9]*" "$log" | sort -u | wc -l)
  boundaries=$(grep -o "the apply has [0-9]* step boundaries" "$log" | head -1 | grep -o "[0-9]*" || true)
  echo "round $round: $outcome; $boundaries boundaries, $points kills, $(($(date +%s) - start)) s (log $log)"
  [ "$outcome" = passed ] || exit 1
done
