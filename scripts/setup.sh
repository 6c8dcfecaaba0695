#!/usr/bin/env bash
# Brings a fresh Debian 12 machine to the point where pgdecl builds, its tests
# run and its demo works: build packages, a running Docker engine, and a local
# postgres:15 image (no registry is needed). Idempotent: every step is skipped
# when its result is already there.
set -Eeuo pipefail

log() { printf 'setup: %s\n' "$*" >&2; }

BUILD_PACKAGES=(
  build-essential cmake ninja-build clang-format pkg-config
  libboost-graph-dev libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev
  libspdlog-dev libpq-dev catch2 libcli11-dev libssl-dev libarchive-dev
  clang-14 libclang-rt-14-dev   # scripts/fuzz.sh: clang with libFuzzer and the sanitizers
)
RUNTIME_PACKAGES=(docker.io mmdebstrap postgresql-client)
IMAGE_TAG="${PGDECL_PG_IMAGE:-postgres:15}"
PG_BIN=/usr/lib/postgresql/15/bin

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  for p in "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && { log "packages present"; return; }
  log "installing: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

start_docker() {
  if docker info >/dev/null 2>&1; then log "docker engine running"; return; fi
  log "starting dockerd"
  # Its own session, so the engine outlives the shell (and process group)
  # that started it; the log is appended to, never truncated.
  as_root sh -c 'setsid nohup dockerd >>/var/log/pgdecl-dockerd.log 2>&1 < /dev/null &'
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && { log "docker engine up"; return; }
    sleep 0.5
  done
  log "dockerd did not come up; see /var/log/pgdecl-dockerd.log"
  exit 1
}

make_postgres_image() {
  if docker image inspect "$IMAGE_TAG" >/dev/null 2>&1; then
    log "image $IMAGE_TAG present"; return
  fi
  log "building $IMAGE_TAG from Debian's postgresql-15 (about a minute)"
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  # The machine's own apt sources are used: no mirror is named here.
  as_root mmdebstrap --quiet --variant=apt --include=postgresql-15,ca-certificates \
    bookworm "$work/rootfs.tar"
  docker import \
    -c "ENV PATH=$PG_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    -c 'ENV LANG=C.UTF-8' \
    "$work/rootfs.tar" "$IMAGE_TAG" >/dev/null
  log "image $IMAGE_TAG made"
}

install_packages
start_docker
make_postgres_image
