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

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

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

bench_build "$PROJECT"

# --- PostgreSQL for the hub (not needed by latency alone) -------------------------------------------
CONNECTION=""
if [[ " ${scenarios[*]} " =~ \ (all|propagation|bootstrap)\  ]]; then
  bench_start_postgres "$PG_DIR" "$PG_PORT"
fi
trap 'exit 130' INT TERM

bench_wait_quiet "$QUIET_WAIT" "$QUIET_CORES"

log "running: ${scenarios[*]}"
timeout 3600 dotnet "$DLL" "${scenarios[@]}" ${CONNECTION:+"--connection=$CONNECTION"} \
  "--work=$WORK" "--edge-dll=$EDGE_DLL" "--out=$RESULTS/latest.md" \
  "--command=bench/edge/run.sh${*:+ $*}" --background-load="$load" "${options[@]}"
log "report: $RESULTS/latest.md"
