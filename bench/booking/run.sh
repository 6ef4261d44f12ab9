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
# Knobs (environment): BENCH_PG_DIR (/tmp/edgeaccess-bench-booking-pg), BENCH_PG_PORT (55436),
# BENCH_QUIET_WAIT (60 s to wait for other processes to leave the CPUs alone), BENCH_QUIET_CORES (0.3).
# Output: the Markdown report on stdout and in bench/booking/results/latest.md (git-ignored by
# bench/.gitignore); progress on stderr.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PG_DIR="${BENCH_PG_DIR:-/tmp/edgeaccess-bench-booking-pg}"
PG_PORT="${BENCH_PG_PORT:-55436}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-60}"
QUIET_CORES="${BENCH_QUIET_CORES:-0.3}"
PROJECT="bench/booking/EdgeAccess.Bench.Booking"
DLL="$ROOT/$PROJECT/bin/Release/net10.0/EdgeAccess.Bench.Booking.dll"
RESULTS="$ROOT/bench/booking/results"
PG_SCRIPT="$ROOT/deploy/local/postgres.sh"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

command -v dotnet >/dev/null || die "dotnet is required"
for arg in "$@"; do
  [[ "$arg" == --* ]] || die "unknown argument $arg (--option=value)"
done
mkdir -p "$RESULTS"

bench_build "$PROJECT"

# postgres.sh writes the port into the cluster's config only at initdb: a cluster left in PG_DIR
# for another port would start there, so it is recreated.
if [[ -f "$PG_DIR/postgresql.conf" ]] && ! grep -Eq "^port = $PG_PORT\$" "$PG_DIR/postgresql.conf"; then
  log "$PG_DIR was initialised for another port; recreating it for $PG_PORT"
  "$PG_SCRIPT" stop "$PG_DIR"
  rm -rf "$PG_DIR"
fi

bench_start_postgres "$PG_DIR" "$PG_PORT"
trap 'exit 130' INT TERM

bench_wait_quiet "$QUIET_WAIT" "$QUIET_CORES"

log "running the benchmark (Release, Server GC)"
timeout 1200 dotnet "$DLL" "--connection=$CONNECTION" "--pg-dir=$PG_DIR" "--out=$RESULTS/latest.md" \
  "--command=bench/booking/run.sh${*:+ $*}" --background-load="$load" "$@"
log "report: $RESULTS/latest.md"
