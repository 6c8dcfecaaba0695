#!/usr/bin/env bash
# High availability: the longest write outage a client sees, and the
# acknowledged rows lost, for each operation that moves or restarts the
# primary. A client writes one row per statement all the time through
# whichever node takes writes (libpq's target_session_attrs=read-write does
# the same with pgdecl output's primary_uri).
#
#   bench/ha.sh              # 5 rounds of each operation
#   ROUNDS=1 bench/ha.sh     # smoke test
#
# Operations (one 1+2 cluster each, named benchsw, benchfo, benchroll,
# benchrestart; removed at the end, also on failure):
#   switchover       primary: flipped between master and replica1 (pgdecl apply)
#   failover         docker kill of the primary under `pgdecl reconcile --interval 1s`,
#                    the default ha.failover_delay (3s) and synchronous_standby_names
#                    'ANY 1 (*)'; the outage runs from the kill to the first write
#                    acknowledged by the promoted replica (the switchover back that
#                    follows is in the same round: the longest gap is the failover's)
#   rolling_image    the image tag flipped: every container made again, master last,
#                    with writes moved to a replica meanwhile (ha.primary_update: switchover)
#   restart_setting  max_connections flipped: a restart of every node, master last, the same
#   rolling_image_in_place, restart_setting_in_place
#                    the baselines, in the same run: the master restarted in place
#                    (ha.primary_update: restart), as every release before did
#
# Results: bench/results/ha-<UTC>/raw.csv (operation,round,outage_ms,acknowledged,lost)
# and summary.md with the median and the worst of each operation.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-5}"
BUILD="${BUILD:-$ROOT/build}"
OUT="$HERE/results/ha-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

bash "$ROOT/scripts/setup.sh" >/dev/null
[ -x "$BUILD/tests/e2e_tests" ] || bash "$ROOT/scripts/build.sh"

echo "operation,round,outage_ms,acknowledged,lost" >"$OUT/raw.csv"
ROUNDS="$ROUNDS" HA_BENCH_OUT="$OUT/raw.csv" "$BUILD/tests/e2e_tests" "[ha-bench]" | tee "$OUT/run.log"

python3 - "$OUT/raw.csv" >"$OUT/summary.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def median(op):
    return statistics.median(int(r["outage_ms"]) for r in rows if r["operation"] == op)
ops = list(dict.fromkeys(r["operation"] for r in rows))
print("| operation | rounds | median outage (ms) | worst outage (ms) | against in place | acknowledged rows | lost |")
print("|---|---|---|---|---|---|---|")
for op in ops:
    mine = [r for r in rows if r["operation"] == op]
    outage = [int(r["outage_ms"]) for r in mine]
    ratio = f"{median(op) / median(op + '_in_place'):.2f}" if op + "_in_place" in ops else ""
    print(f"| {op} | {len(mine)} | {median(op):.0f} | {max(outage)} | {ratio} | "
          f"{sum(int(r['acknowledged']) for r in mine)} | {sum(int(r['lost']) for r in mine)} |")
PY
cat "$OUT/summary.md"
echo "results: $OUT"
