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

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

command -v dotnet >/dev/null || die "dotnet is required"
mkdir -p "$RESULTS"

# Other builds may run in the same tree at the same time: a build that collides on a locked output
# file is retried.
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

# A cluster left in this directory in "fast" mode (fsync off) would give numbers no production hub
# sees: recreate it with the defaults.
if [[ -f "$PG_DIR/postgresql.conf" ]] && grep -Eq '^[[:space:]]*(fsync|synchronous_commit|full_page_writes)[[:space:]]*=[[:space:]]*off' "$PG_DIR/postgresql.conf"; then
  log "$PG_DIR was initialised in fast mode; recreating it with default durability"
  "$PG_SCRIPT" stop "$PG_DIR"
  rm -rf "$PG_DIR"
fi
log "starting PostgreSQL in $PG_DIR on 127.0.0.1:$PG_PORT (default durability)"
CONNECTION="$("$PG_SCRIPT" start "$PG_DIR" "$PG_PORT")"
trap '"$PG_SCRIPT" stop "$PG_DIR"; log "PostgreSQL stopped"' EXIT
trap 'exit 130' INT TERM

log "running the benchmark (Release, Server GC)"
{
  echo "## Journal intake: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown), $(nproc) cores"
  echo
  echo "Command: \`bench/journal/run.sh${*:+ $*}\`"
  echo
  timeout 1800 dotnet "$DLL" --connection="$CONNECTION" "$@"
} | tee "$RESULTS/latest.md"
