#!/usr/bin/env bash
# The long fuzz of the spec loader and validator: 10 million inputs (or
# -runs=N / SECONDS as the first argument), at the lowest CPU priority so
# that it only takes what the machine leaves idle, split over one process
# per core (FUZZ_LONG_WORKERS=N to change) sharing one corpus. Must end with
# 0 crashes and 0 sanitizer reports; docs/BENCHMARKS.md records its figures.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "fuzz_long: started $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores"
# FUZZ_LONG_MAX_SECONDS stops it earlier, cleanly, when time is short.
limits=("${1:--runs=10000000}")
[ -n "${FUZZ_LONG_MAX_SECONDS:-}" ] && limits+=("-max_total_time=$FUZZ_LONG_MAX_SECONDS")
FUZZ_WORKERS="${FUZZ_LONG_WORKERS:-$(nproc)}" nice -n 19 bash scripts/fuzz.sh "${limits[@]}"
echo "fuzz_long: ended $(date -u +%Y-%m-%dT%H:%M:%SZ)"
