#!/usr/bin/env bash
# Configures and builds pgdecl. BUILD_DIR (default build/) and extra CMake
# arguments may be given: scripts/build.sh -DPGDECL_SANITIZE=ON
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j "$(nproc)"
