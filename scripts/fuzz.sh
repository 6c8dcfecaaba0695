#!/usr/bin/env bash
# Fuzzes the spec loader and validator (what `pgdecl validate` runs) with
# libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer:
#   scripts/fuzz.sh            60 seconds
#   scripts/fuzz.sh 300        300 seconds
#   scripts/fuzz.sh -runs=N    N executions
#   scripts/fuzz.sh -runs=N -max_total_time=S   N executions or S seconds,
#                              whichever comes first
# Builds build-fuzz/ with clang (packages from scripts/setup.sh), fuzzes a
# copy of the seed corpus (specs/, specs/examples/, specs/invalid/,
# tests/fuzz/regressions/) in one process, and fails on any crash, leak,
# timeout or sanitizer report. Inputs that fail are kept in
# build-fuzz/artifacts/. Prints executions, exec/s, duration and corpus size.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# SECONDS, or libFuzzer's own limits (-runs=N, -max_total_time=S: the
# first one reached ends the run).
budget=()
for limit in "${@:-60}"; do
  case "$limit" in
    -runs=[0-9]* | -max_total_time=[0-9]*) budget+=("$limit") ;;
    *[!0-9]* | '') echo "usage: scripts/fuzz.sh [SECONDS | -runs=N [-max_total_time=S]]" >&2; exit 2 ;;
    *) budget+=("-max_total_time=$limit") ;;
  esac
done

BUILD_DIR=build-fuzz
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DPGDECL_FUZZ=ON >/dev/null
ninja -C "$BUILD_DIR" spec_fuzz >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$BUILD_DIR/artifacts"
cp specs/*.yaml specs/examples/*.yaml specs/invalid/*.yaml "$work/corpus/"
cp tests/fuzz/regressions/* "$work/corpus/" 2>/dev/null || true
seeds=$(find "$work/corpus" -type f | wc -l)

log="$BUILD_DIR/fuzz.log"
start=$(date +%s)
status=0
# One process: the machine is shared. Leaks count as failures.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$BUILD_DIR/tests/fuzz/spec_fuzz" "${budget[@]}" -dict=tests/fuzz/yaml.dict -max_len=8192 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD_DIR/artifacts/" \
  "$work/corpus" >"$log" 2>&1 || status=$?
seconds=$(($(date +%s) - start))

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
corpus=$(find "$work/corpus" -type f | wc -l)
reports=$(grep -c -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" || true)
echo "fuzz: ${executions:-?} executions, ${rate:-?} exec/s, ${seconds} s, corpus ${seeds} seeds -> ${corpus} inputs," \
  "${reports} crash or sanitizer reports (log: $log)"
if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
  grep -E -A30 'ERROR: |runtime error:' "$log" | head -60 >&2 || true
  echo "fuzz: FAILED (exit $status); inputs in $BUILD_DIR/artifacts/" >&2
  exit 1
fi
