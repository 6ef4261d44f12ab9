#!/usr/bin/env bash
# Hub rights/feed benchmark: a generated site (100k people, ~150k cards, 2,000 groups nested exactly
# 5 deep, 500 doors, ~1M effective rights) bulk-loaded with binary COPY into a fresh database on a
# private PostgreSQL cluster with DEFAULT durability (fsync, synchronous_commit and full_page_writes
# on: the numbers are the ones a production hub would see), then:
#
#   * the full compile (RightsCompiler.FullCompileAsync) on the empty effective state: wall time,
#     rows/s, peak working set; again on the consistent state (the consistency check); VerifyAsync;
#   * incremental changes through HubChanges.SaveAsync: group nestings that reach ~10k people (added,
#     then removed) and single-person memberships, each timed from call to commit;
#   * feed append throughput through FeedPublisher.PublishAsync: 1-entry transactions from 8
#     concurrent writers, and 1,000-entry transactions;
#
# against the targets (1M rows compiled in <= 30 s; one change published in <= 100 ms), with a
# timeline of every measured operation (the hub's spans and Npgsql's per-command spans).
#
#   bench/rights/run.sh                          # about 5 minutes on 2 cores
#   bench/rights/run.sh --people=20000           # any option of the program (see its Program.cs)
#   bench/rights/run.sh --pg-options="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=150
#       -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_wal=on -c log_temp_files=0"
#                                                # profile: every slow statement's plan in $BENCH_PG_DIR/server.log
#                                                # (EXPLAIN ANALYZE overhead: not for the reported figures)
#
# Knobs (environment): BENCH_PG_DIR (/tmp/edgeaccess-bench-pg), BENCH_PG_PORT (55433),
# BENCH_TIME_LIMIT (3600 s for the whole program), BENCH_QUIET_WAIT (180: seconds to wait before
# starting for other processes to leave the CPUs alone) and BENCH_QUIET_CORES (0.25: what "alone"
# means, in cores busy). The report shows, per phase, the CPU used by the benchmark, by its
# PostgreSQL and by other processes, so a run disturbed by other work is visible as such.
#
# Output: the Markdown report on stdout and in bench/rights/results/latest.md (git-ignored, like
# bench/results/); progress on stderr. The database is dropped and the cluster stopped on exit.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PG_DIR="${BENCH_PG_DIR:-/tmp/edgeaccess-bench-pg}"
PG_PORT="${BENCH_PG_PORT:-55433}"
TIME_LIMIT="${BENCH_TIME_LIMIT:-3600}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-180}"
QUIET_CORES="${BENCH_QUIET_CORES:-0.25}"
PROJECT="bench/rights/EdgeAccess.Bench.Rights"
DLL="$ROOT/$PROJECT/bin/Release/net10.0/EdgeAccess.Bench.Rights.dll"
RESULTS="$ROOT/bench/rights/results"
PG_SCRIPT="$ROOT/deploy/local/postgres.sh"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

command -v dotnet >/dev/null || die "dotnet is required"
mkdir -p "$RESULTS"

bench_build "$PROJECT"

bench_start_postgres "$PG_DIR" "$PG_PORT"
trap 'exit 130' INT TERM

# How long one flush of the WAL takes on this disk decides every commit's latency: measure it once
# on the cluster's filesystem (one 8 kB write + fdatasync, PostgreSQL's default wal_sync_method).
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PROBE="$(mktemp -d)"
if [[ -x "$BIN/pg_test_fsync" ]]; then
  FSYNC_LINE="$(cd "$PROBE" && timeout 60 "$BIN/pg_test_fsync" -s 1 -f "$PROBE/probe" 2>/dev/null | grep -m 1 -E '^[[:space:]]+fdatasync' || true)"
  if [[ -n "$FSYNC_LINE" ]]; then
    export BENCH_FSYNC
    BENCH_FSYNC="$(awk '{ printf "fdatasync of one 8 kB write %s µs (%s ops/s, pg_test_fsync)", $4, $2 }' <<<"$FSYNC_LINE"), $(df -T "$PROBE" | awk 'NR == 2 { print $2 " on " $1 }')"
    log "disk: $BENCH_FSYNC"
  fi
fi
rm -rf "$PROBE"

# --- the run -----------------------------------------------------------------------------------------------
# The postmaster's pid lets the program tell its PostgreSQL's CPU from other processes'.
export BENCH_PG_PID
BENCH_PG_PID="$(head -n 1 "$PG_DIR/postmaster.pid")"

bench_wait_quiet "$QUIET_WAIT" "$QUIET_CORES"

export BENCH_COMMIT
BENCH_COMMIT="commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
# The server logs every statement that runs for LOG_MS or more (each statement of a batch on its
# own, which the client cannot time) and the program's phase markers; both are appended to the report.
LOG_MS="${BENCH_LOG_STATEMENT_MS:-200}"
LOG_FROM=$(($(wc -l < "$PG_DIR/server.log") + 1))
log "running the benchmark (Release, Server GC)"
timeout "$TIME_LIMIT" dotnet "$DLL" --connection="$CONNECTION" --out="$RESULTS/latest.md" \
  --command="bench/rights/run.sh${*:+ $*}" \
  --pg-options="-c log_min_duration_statement=$LOG_MS -c log_parameter_max_length=0 -c log_temp_files=10240" "$@"

{
  echo "### Server log: phases, statements of $LOG_MS ms or more, temporary files of 10 MB or more"
  echo
  echo "Each statement of a batch is logged on its own, with the time the server spent on it."
  echo
  echo '```'
  tail -n +"$LOG_FROM" "$PG_DIR/server.log" | awk '
    # Consecutive runs of the same statement are folded into one line (count, total, max).
    function emit() {
      if (key == "") return
      if (count == 1) printf "%s %9.0f ms  %s\n", first, total, key
      else printf "%s %9.0f ms  %s  [x%d, max %.0f ms]\n", first, total, key, count, max
      key = ""
    }
    function finish() {
      if (text == "") return
      gsub(/[[:space:]]+/, " ", text); text = substr(text, 1, 150)
      if (text == key) { count++; total += ms; if (ms > max) max = ms }
      else { emit(); key = text; first = time; count = 1; total = ms; max = ms }
      text = ""
    }
    function note(line) { finish(); emit(); print line }
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / {
      finish()
      time = substr($2, 1, 12)
      if (match($0, /LOG:  bench phase: .*/)) { note(""); note(time "  == " substr($0, RSTART + 19) " =="); next }
      if (match($0, /duration: [0-9.]+ ms +(statement|execute [^:]*): /)) {
        split(substr($0, RSTART + 10), d, " "); ms = d[1]; text = substr($0, RSTART + RLENGTH); next
      }
      if (match($0, /temporary file: .* size [0-9]+/)) { n = split($0, f, " "); note(sprintf("%s  temporary file of %.0f MB", time, f[n] / 1048576)); next }
      if (match($0, /checkpoint (starting|complete): .*/)) { note(time "  " substr($0, RSTART, 140)); next }
      if (match($0, /checkpoints are occurring too frequently.*/)) { note(time "  " substr($0, RSTART)); next }
      next
    }
    /^\t/ && text != "" { text = text " " $0 }
    END { finish(); emit() }'
  echo '```'
} > "$RESULTS/server-log.md"
cat "$RESULTS/server-log.md" >> "$RESULTS/latest.md"
cat "$RESULTS/server-log.md"
log "report: $RESULTS/latest.md"
