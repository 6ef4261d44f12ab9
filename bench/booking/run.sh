#!/usr/bin/env bash
# Booking benchmarks (issue 5 §8), against the real hub (CloudHost) in-process over h2c gRPC on
# loopback, with signed-in members and admins as concurrent callers on several HTTP/2 connections:
#
#   1. CreateBooking on ONE hot resource: distinct free slots (all succeed), then every caller racing
#      for the same slots (one win per slot, the rest FAILED_PRECONDITION with alternatives);
#   2. CreateBooking across 1,000 resources, a random resource per call (target >= 1,000 bookings/s);
#   3. GetAvailability for a week of a resource with ~200 bookings and blackouts (target p99 <= 20 ms).
#
#   bench/booking/run.sh                                # about 3 minutes on 2 cores (plus the build)
#   bench/booking/run.sh --callers=64 --seconds=30      # any option of EdgeAccess.Bench.Booking/BenchOptions.cs
#
# Release build; PostgreSQL is a private cluster with DEFAULT durability (fsync, synchronous_commit
# on: every booking's commit waits for its WAL flush), started by deploy/local/postgres.sh and
# stopped on exit; the database is dropped at the end.
# Knobs (environment): BENCH_PG_DIR (/tmp/edgeaccess-bench-booking-pg), BENCH_PG_PORT (55437),
# BENCH_QUIET_WAIT (60 s to wait for other processes to leave the CPUs alone), BENCH_QUIET_CORES (0.3).
# Output: the Markdown report on stdout and in bench/booking/results/latest.md (git-ignored by
# bench/.gitignore); progress on stderr.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PG_DIR="${BENCH_PG_DIR:-/tmp/edgeaccess-bench-booking-pg}"
PG_PORT="${BENCH_PG_PORT:-55437}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-60}"
QUIET_CORES="${BENCH_QUIET_CORES:-0.3}"
PROJECT="bench/booking/EdgeAccess.Bench.Booking"
DLL="$ROOT/$PROJECT/bin/Release/net10.0/EdgeAccess.Bench.Booking.dll"
RESULTS="$ROOT/bench/booking/results"
PG_SCRIPT="$ROOT/deploy/local/postgres.sh"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

command -v dotnet >/dev/null || die "dotnet is required"
for arg in "$@"; do
  [[ "$arg" == --* ]] || die "unknown argument $arg (--option=value)"
done
mkdir -p "$RESULTS"

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

# --- PostgreSQL: a cluster left here in "fast" mode (fsync off) would flatter every commit ----------
if [[ -f "$PG_DIR/postgresql.conf" ]] && grep -Eq '^[[:space:]]*(fsync|synchronous_commit|full_page_writes)[[:space:]]*=[[:space:]]*off' "$PG_DIR/postgresql.conf"; then
  log "$PG_DIR was initialised in fast mode; recreating it with default durability"
  "$PG_SCRIPT" stop "$PG_DIR"
  rm -rf "$PG_DIR"
fi
log "starting PostgreSQL in $PG_DIR on 127.0.0.1:$PG_PORT (default durability)"
CONNECTION="$("$PG_SCRIPT" start "$PG_DIR" "$PG_PORT")"
trap '"$PG_SCRIPT" stop "$PG_DIR"; log "PostgreSQL stopped"' EXIT
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

log "running the benchmark (Release, Server GC)"
timeout 1200 dotnet "$DLL" "--connection=$CONNECTION" "--pg-dir=$PG_DIR" "--out=$RESULTS/latest.md" \
  "--command=bench/booking/run.sh${*:+ $*}" --background-load="$load" "$@"
log "report: $RESULTS/latest.md"
