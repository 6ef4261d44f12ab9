#!/usr/bin/env bash
# Hub journal intake benchmark: drains 1M synthetic door.decision events (seeded; 90% granted, 5%
# by cards the hub does not know) through JournalStore.StoreAsync in batches of 1,000, one batch
# after the other as one node's sync stream uploads them, into a fresh database on a private
# PostgreSQL cluster with DEFAULT durability (fsync, synchronous_commit and full_page_writes on:
# every batch commit waits for its WAL flush, as on a production hub). Prints events/s, batch
# latency, the cost of a re-sent (all duplicate) batch and the table's size. Target: >= 50,000 events/s.
#
#   bench/journal/run.sh                         # about a minute on 2 cores
#   bench/journal/run.sh --events=200000         # any option of EdgeAccess.Bench.Journal/Program.cs
#
# Knobs (environment): BENCH_PG_DIR (/tmp/edgeaccess-bench-journal-pg), BENCH_PG_PORT (55434).
# Output: the Markdown table on stdout and in bench/journal/results/latest.md (git-ignored);
# progress on stderr. The database is dropped and the cluster stopped on exit.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PG_DIR="${BENCH_PG_DIR:-/tmp/edgeaccess-bench-journal-pg}"
PG_PORT="${BENCH_PG_PORT:-55434}"
PROJECT="bench/journal/EdgeAccess.Bench.Journal"
DLL="$ROOT/$PROJECT/bin/Release/net10.0/EdgeAccess.Bench.Journal.dll"
RESULTS="$ROOT/bench/journal/results"
PG_SCRIPT="$ROOT/deploy/local/postgres.sh"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

command -v dotnet >/dev/null || die "dotnet is required"
mkdir -p "$RESULTS"

bench_build "$PROJECT"

bench_start_postgres "$PG_DIR" "$PG_PORT"
trap 'exit 130' INT TERM

log "running the benchmark (Release, Server GC)"
{
  echo "## Journal intake: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown), $(nproc) cores"
  echo
  echo "Command: \`bench/journal/run.sh${*:+ $*}\`"
  echo
  timeout 1800 dotnet "$DLL" --connection="$CONNECTION" "$@"
} | tee "$RESULTS/latest.md"
