#!/usr/bin/env bash
# pgdecl against the seed's docker-compose setup, side by side, in one run.
#
#   bench/run.sh                              # 5 rounds, growth 1 4 8 16, big-data hook
#   ROUNDS=1 GROWTH="1 4" BIG=0 bench/run.sh  # smoke test
#
# Environment:
#   ROUNDS   rounds per side (default 5); every round starts from a clean slate
#   GROWTH   replica counts for the growth case (default "1 4 8 16")
#   PGDECL   the pgdecl binary (default: a Release build made in build-bench/)
#   BIG      0 skips bench/big_data.sh (run when present otherwise)
#   BIG_ROUNDS  rounds for bench/big_data.sh (default: its own)
#   SEED     0 skips the seed harness (its columns are then n/a; for trying the pgdecl side)
#   SEED_HARNESS  the seed's run.sh (default /work/shared/bench/seed-compose/run.sh)
#   SETTLE_S seconds of quiet before each side (default 30; see settle below)
#
# A round, pgdecl side (each case is its own script; helpers in lib.sh):
#   case_cold.sh        1+1 cold apply → row on the replica                     (bench11)
#   case_cold.sh        1+3 cold apply → row on every replica                   (bench13)
#   case_noop.sh        3 no-op plans on the converged 1+3, and the shell floor  (bench13)
#   case_add_replica.sh 1+3 → 1+4, until replica4 reads the row                 (bench13)
# then once: case_growth.sh (benchgrowN), and the big-data hook.
# The seed side is the seed harness itself, called once with ROUNDS rounds; its raw.csv is
# read back (steps d, e and f). Then seed_cold13.sh times the seed with three replicas. Every pgdecl invocation runs under /usr/bin/time.
#
# Results: bench/results/run-<UTC>/ — raw.csv, summary.md (also printed), pgdecl-time.csv,
# logs/, seed/. Only the clusters this script names (bench11, bench13, benchgrowN) are touched;
# they are removed at the end, also on failure or Ctrl-C.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"

ROUNDS="${ROUNDS:-5}"
GROWTH="${GROWTH:-1 4 8 16}"
BIG="${BIG:-1}"
SETTLE_S="${SETTLE_S:-30}"
SEED="${SEED:-1}"
SEED_HARNESS="${SEED_HARNESS:-/work/shared/bench/seed-compose/run.sh}"
export GROWTH

# ---------------------------------------------------------------- preflight (changes nothing but Docker's state)
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
for n in $GROWTH; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "GROWTH must list positive integers"; done
[[ "$SETTLE_S" =~ ^[0-9]+$ ]] || die "SETTLE_S must be a whole number of seconds"
if ! docker info > /dev/null 2>&1; then
  say "docker info failed: running scripts/setup.sh"
  bash "$REPO_DIR/scripts/setup.sh"
fi
docker image inspect postgres:15 > /dev/null 2>&1 || die "no local image postgres:15 (this benchmark never pulls)"
for tool in psql curl python3 awk; do command -v "$tool" > /dev/null || die "$tool is required"; done
[ -x /usr/bin/time ] || die "/usr/bin/time is required (Debian: apt-get install -y time)"
if [ "$SEED" != 0 ]; then
  [ -x "$SEED_HARNESS" ] || die "seed harness $SEED_HARNESS not found"
  case "$(docker-compose version --short 2> /dev/null || true)" in
    1.*) ;;
    *) die "the seed needs docker-compose v1 (Debian: apt-get install -y docker-compose)" ;;
  esac
fi

# ---------------------------------------------------------------- run folder
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN_DIR="$HERE/results/run-$STAMP"
mkdir -p "$RUN_DIR/logs"
# Specs, state and secrets live in a temp folder, outside the repo.
WORK="$(mktemp -d /tmp/pgdecl-bench.XXXXXX)"
export RUN_DIR WORK
# Progress to the terminal and run.log. tee ignores Ctrl-C/TERM: it must outlive the cleanup
# traps, whose messages would otherwise hit a closed pipe (SIGPIPE) and cut the cleanup short.
exec 2> >(trap '' INT TERM; exec tee -a "$RUN_DIR/run.log" >&2)

CLUSTERS=(bench11 bench13)
for n in $GROWTH; do CLUSTERS+=("benchgrow$n"); done
finish() {
  local rc=$?
  trap - EXIT ERR INT TERM
  [ "$rc" = 0 ] || say "run failed or interrupted (exit $rc); cleaning up ${CLUSTERS[*]}"
  for c in "${CLUSTERS[@]}"; do quiet_clean "$c"; done
  rm -rf "$WORK"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

{
  printf 'command=%s' "ROUNDS=$ROUNDS GROWTH=\"$GROWTH\" BIG=$BIG SEED=$SEED SETTLE_S=$SETTLE_S"
  [ -z "${PGDECL:-}" ] || printf ' PGDECL=%s' "$PGDECL"
  printf ' %s\n' "$0"
  echo "rounds=$ROUNDS"
  echo "growth=$GROWTH"
  echo "big=$BIG"
  echo "seed=$([ "$SEED" = 0 ] && echo skipped || echo "PROBES=0 ROUNDS=$ROUNDS OUT_DIR=$RUN_DIR/seed $SEED_HARNESS")"
  echo "started=$(date -u +%FT%TZ)"
} > "$RUN_DIR/command.txt"

bench_env   # builds pgdecl into build-bench unless PGDECL is set; creates raw.csv etc.

# A previous run killed hard may have left our clusters behind.
for c in "${CLUSTERS[@]}"; do quiet_clean "$c"; done

{
  echo "date_utc=$STAMP"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "mem_total=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  echo "docker=$(docker version -f 'server {{.Server.Version}}, client {{.Client.Version}}' 2> /dev/null), storage $(docker info -f '{{.Driver}}' 2> /dev/null)"
  echo "compose=$(docker-compose version --short 2> /dev/null || echo none)"
  echo "psql=$(psql --version)"
  echo "server=$(docker run --rm --network none --entrypoint postgres --name "bench-pgversion-$$" postgres:15 --version 2> /dev/null || echo unknown) (image postgres:15 $(docker image inspect -f '{{.Id}}' postgres:15 | cut -c8-19))"
  echo "pgdecl=$PGDECL ($("$PGDECL" --version 2> /dev/null || echo '?'))"
  echo "git=$(git -C "$REPO_DIR" rev-parse --short HEAD 2> /dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet HEAD -- engine cluster providers state cli 2> /dev/null || echo ' + uncommitted changes in the sources')"
} > "$RUN_DIR/machine.txt"
cat "$RUN_DIR/machine.txt" >&2

# Each side starts on a quiet machine: the build before the seed, and the seed's own
# teardown (its images and volumes removed) before pgdecl, leave Docker deleting layers and
# the kernel writing back for a while, which slows whatever runs next.
settle() {
  say "settling for ${SETTLE_S}s before the $1 side"
  sync
  sleep "$SETTLE_S"
}

# ---------------------------------------------------------------- seed side
# The seed harness, untouched: it makes only seedbench* objects and removes them itself.
if [ "$SEED" != 0 ]; then
  settle seed
  say "seed: $ROUNDS round(s) of the docker-compose harness (log: logs/seed.log)"
  if PROBES=0 ROUNDS=$ROUNDS OUT_DIR="$RUN_DIR/seed" "$SEED_HARNESS" > "$RUN_DIR/logs/seed.log" 2>&1; then
    seed_runs=("$RUN_DIR"/seed/run-*/raw.csv)   # one run-<UTC>/ per harness call: this one
    seed_raw="${seed_runs[-1]}"
    [ -f "$seed_raw" ] || die "the seed harness wrote no raw.csv"
    # seed raw.csv: round,step,seconds → tool,case,round,metric,value
    tail -n +2 "$seed_raw" | awk -F, '{ print "seed,seed," $1 "," $2 "," $3 }' >> "$RAW"
    grep -E ',(d_row_on_replica|e_noop_up|f_scale_row_on_replica2),' "$seed_raw" >&2 || true
  else
    note "the seed harness failed (see logs/seed.log); seed columns are n/a"
  fi
  # The like-for-like side of the 1+3 cold apply: the seed with two more copies of its
  # replica service, as its harness adds replica2.
  settle "seed 1+3"
  say "seed: $ROUNDS round(s) of the seed with three replicas (bench/seed_cold13.sh)"
  bash "$HERE/seed_cold13.sh" "$ROUNDS" "$(dirname "$SEED_HARNESS")" \
    || note "bench/seed_cold13.sh failed; the seed 1+3 column is n/a"
fi

# ---------------------------------------------------------------- pgdecl side
settle pgdecl
for r in $(seq 1 "$ROUNDS"); do
  say "pgdecl round $r/$ROUNDS"
  bash "$HERE/case_cold.sh" "$r" bench11 1
  clean_slate bench11 teardown "$r"
  bash "$HERE/case_cold.sh" "$r" bench13 3
  bash "$HERE/case_noop.sh" "$r" bench13 3
  bash "$HERE/case_add_replica.sh" "$r" bench13 3
  clean_slate bench13 teardown "$r"
done

say "growth: N in $GROWTH"
bash "$HERE/case_growth.sh"

# ---------------------------------------------------------------- HOOK: big data (2 GB) cases
# bench/big_data.sh is written separately (the 2 GB bootstrap and restart cases). When it is
# there, it runs here with the same binary and writes big_data.csv (case,round,seconds,note),
# which the summary shows. BIG=0 skips it. Its cluster (benchbig) is its own to clean up.
if [ "$BIG" != 0 ] && [ -f "$HERE/big_data.sh" ]; then
  say "big data cases: bench/big_data.sh (BIG=0 skips them)"
  # Its rounds are its own (ROUNDS there means big-data rounds), unless BIG_ROUNDS is given.
  big_env=(env -u ROUNDS PGDECL="$PGDECL")
  [ -z "${BIG_ROUNDS:-}" ] || big_env+=(ROUNDS="$BIG_ROUNDS")
  "${big_env[@]}" bash "$HERE/big_data.sh" "$RUN_DIR/big_data.csv" \
    || note "bench/big_data.sh failed (exit $?); see run.log"
else
  say "big data cases skipped ($([ "$BIG" = 0 ] && echo BIG=0 || echo 'no bench/big_data.sh'))"
fi
# ---------------------------------------------------------------- END HOOK

# ---------------------------------------------------------------- summary
echo "finished=$(date -u +%FT%TZ)" >> "$RUN_DIR/command.txt"
for c in "${CLUSTERS[@]}"; do
  remains="$(leftovers "$c")"
  [ -z "$remains" ] || note "left in Docker after the run for $c: $(echo "$remains" | tr '\n' ' ')"
done
python3 "$HERE/summarize.py" "$RUN_DIR" > "$RUN_DIR/summary.md"
echo
cat "$RUN_DIR/summary.md"
say "results: $RUN_DIR"
