#!/usr/bin/env bash
# Edge benchmarks (issue 4), each runnable alone:
#
#   bench/edge/run.sh latency       # local gRPC AccessPoint.Check on a 1M cards x 64 doors replica, journal on disk vs tmpfs
#   bench/edge/run.sh propagation   # hub commit -> IndexPublished on 50 in-process edges, 200 card changes 100 ms apart
#   bench/edge/run.sh bootstrap     # one edge enrolling into a site whose snapshot holds >= 1M records
#   bench/edge/run.sh all           # the three in order (default)
#   bench/edge/run.sh latency --cards=100000 --calls=5000   # any option of BenchOptions.cs
#
# Release build; the hub's PostgreSQL is a private cluster with DEFAULT durability (fsync on),
# started by deploy/local/postgres.sh and stopped on exit. The latency scenario seeds the replica
# once (about 6 minutes for 64M rights, 6 GB in $BENCH_EDGE_WORK) and reuses it on later runs;
# delete the folder to reseed.
#
# Knobs (environment): BENCH_EDGE_WORK (/tmp/edgeaccess-bench-edge), BENCH_PG_DIR
# (/tmp/edgeaccess-bench-edge-pg), BENCH_PG_PORT (55436), BENCH_QUIET_WAIT (120 s to wait for
# other processes to leave the CPUs alone) and BENCH_QUIET_CORES (0.3).
# Output: the Markdown report on stdout and in bench/edge/results/latest.md (git-ignored); progress on stderr.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

WORK="${BENCH_EDGE_WORK:-/tmp/edgeaccess-bench-edge}"
PG_DIR="${BENCH_PG_DIR:-/tmp/edgeaccess-bench-edge-pg}"
PG_PORT="${BENCH_PG_PORT:-55436}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-120}"
QUIET_CORES="${BENCH_QUIET_CORES:-0.3}"
PROJECT="bench/edge/EdgeAccess.Bench.Edge.csproj"
DLL="$ROOT/bench/edge/bin/Release/net10.0/EdgeAccess.Bench.Edge.dll"
EDGE_DLL="$ROOT/edge/EdgeAccess.Edge/bin/Release/net10.0/EdgeAccess.Edge.dll"
RESULTS="$ROOT/bench/edge/results"
PG_SCRIPT="$ROOT/deploy/local/postgres.sh"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

command -v dotnet >/dev/null || die "dotnet is required"
mkdir -p "$RESULTS" "$WORK"

scenarios=()
options=()
for arg in "$@"; do
  case "$arg" in
    latency|propagation|bootstrap|all) scenarios+=("$arg") ;;
    --*) options+=("$arg") ;;
    *) die "unknown argument $arg (latency|propagation|bootstrap|all, --option=value)" ;;
  esac
done
((${#scenarios[@]})) || scenarios=(all)

# --- build (Release); other builds may hold output files: retry on a lock collision ---------------
log "building $PROJECT (Release)"
for attempt in 1 2 3 4; do
  if timeout 900 dotnet build -c Release --nologo -v quiet "$PROJECT" > "$RESULTS/build.log" 2>&1; then
    break
  fi
  if ((attempt < 4)) && grep -Eq 'MSB3026|MSB3027|MSB3021|being used by another process|CS2012' "$RESULTS/build.log"; then
    log "build collided on a locked file; retrying ($attempt)"
    sleep $((attempt * 10))
    continue
  fi
  cat "$RESULTS/build.log" >&2
  die "build failed"
done

# --- PostgreSQL for the hub (not needed by latency alone) -------------------------------------------
CONNECTION=""
if [[ " ${scenarios[*]} " =~ \ (all|propagation|bootstrap)\  ]]; then
  if [[ -f "$PG_DIR/postgresql.conf" ]] && grep -Eq '^[[:space:]]*(fsync|synchronous_commit|full_page_writes)[[:space:]]*=[[:space:]]*off' "$PG_DIR/postgresql.conf"; then
    log "$PG_DIR was initialised in fast mode; recreating it with default durability"
    "$PG_SCRIPT" stop "$PG_DIR"
    rm -rf "$PG_DIR"
  fi
  log "starting PostgreSQL in $PG_DIR on 127.0.0.1:$PG_PORT (default durability)"
  CONNECTION="$("$PG_SCRIPT" start "$PG_DIR" "$PG_PORT")"
  trap '"$PG_SCRIPT" stop "$PG_DIR"; log "PostgreSQL stopped"' EXIT
fi
trap 'exit 130' INT TERM

# --- wait (bounded) for a quiet machine: on 2 cores other processes distort every figure ------------
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
deadline=$((SECONDS + QUIET_WAIT))
while true; do
  t0="$(machine_busy_ticks)"; sleep 1; t1="$(machine_busy_ticks)"
  load="$(awk -v t=$((t1 - t0)) -v k="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / k }')"
  if awk -v l="$load" -v q="$QUIET_CORES" 'BEGIN { exit !(l <= q) }' || ((SECONDS >= deadline)); then
    break
  fi
  log "machine busy (${load} cores in use by other processes); waiting up to $((deadline - SECONDS)) s more"
  sleep 4
done
log "background load before the run: $load cores"

log "running: ${scenarios[*]}"
timeout 3600 dotnet "$DLL" "${scenarios[@]}" ${CONNECTION:+"--connection=$CONNECTION"} \
  "--work=$WORK" "--edge-dll=$EDGE_DLL" "--out=$RESULTS/latest.md" \
  "--command=bench/edge/run.sh${*:+ $*}" --background-load="$load" "${options[@]}"
log "report: $RESULTS/latest.md"
