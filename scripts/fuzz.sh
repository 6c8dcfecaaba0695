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
# tests/fuzz/regressions/), and fails on any crash, leak,
# timeout or sanitizer report. Inputs that fail are kept in
# build-fuzz/artifacts/. Prints executions, exec/s, duration and corpus size.
# FUZZ_WORKERS=N runs N processes (default 1: the machine is shared).
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
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$BUILD_DIR/artifacts"
cp specs/*.yaml specs/examples/*.yaml specs/invalid/*.yaml "$work/corpus/"
cp tests/fuzz/regressions/* "$work/corpus/" 2>/dev/null || true
seeds=$(find "$work/corpus" -type f | wc -l)

# FUZZ_WORKERS=N splits the executions over N processes that share the
# corpus (libFuzzer reloads what the others found); each has its own log.
workers="${FUZZ_WORKERS:-1}"
case "$workers" in '' | *[!0-9]* | 0) echo "fuzz: FUZZ_WORKERS must be a positive number" >&2; exit 2 ;; esac
worker_budget=()
for limit in "${budget[@]}"; do
  case "$limit" in
    -runs=*) worker_budget+=("-runs=$(((${limit#-runs=} + workers - 1) / workers))") ;;
    *) worker_budget+=("$limit") ;;
  esac
done
logs=()
if [ "$workers" -eq 1 ]; then logs=("$BUILD_DIR/fuzz.log"); else
  for i in $(seq 1 "$workers"); do logs+=("$BUILD_DIR/fuzz.$i.log"); done
fi

start=$(date +%s)
# Leaks count as failures.
for log in "${logs[@]}"; do
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD_DIR/tests/fuzz/spec_fuzz" "${worker_budget[@]}" -dict=tests/fuzz/yaml.dict -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD_DIR/artifacts/" \
    "$work/corpus" >"$log" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
seconds=$(($(date +%s) - start))

sum_stat() { sed -n "s/^stat::$1: *//p" "${logs[@]}" | awk '{ s += $1 } END { if (NR) print s }'; }
executions=$(sum_stat number_of_executed_units)
rate=$(sum_stat average_exec_per_sec)
corpus=$(find "$work/corpus" -type f | wc -l)
reports=$(cat "${logs[@]}" | grep -c -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' || true)
echo "fuzz: ${executions:-?} executions in ${workers} process(es), ${rate:-?} exec/s, ${seconds} s," \
  "corpus ${seeds} seeds -> ${corpus} inputs, ${reports} crash or sanitizer reports (log: ${logs[*]})"
if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
  grep -h -E -A30 'ERROR: |runtime error:' "${logs[@]}" | head -60 >&2 || true
  echo "fuzz: FAILED (exit $status); inputs in $BUILD_DIR/artifacts/" >&2
  exit 1
fi
