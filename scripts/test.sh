#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: installs what is missing,
# starts Docker, makes the local postgres:15 image, checks formatting and
# the layers of the source tree (scripts/layers.txt),
# builds with warnings as errors, runs all tests (unit, Docker, PostgreSQL,
# end-to-end) against the real engine, then all of them again under
# AddressSanitizer and UndefinedBehaviorSanitizer, and last a short fuzz of
# the spec loader and validator (scripts/fuzz.sh; the long run is
# bench/fuzz_long.sh).
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/check-format.sh
bash scripts/check-layers.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure)
BUILD_DIR=build-asan BUILD_TYPE=Debug bash scripts/build.sh -DPGDECL_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure)
bash scripts/fuzz.sh "${PGDECL_FUZZ_SECONDS:-60}"
