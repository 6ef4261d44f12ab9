#!/usr/bin/env bash
# Lab-process policy benchmark: starts 2,000 copies of a control program as another user in one
# process group, measures one /proc scan at each detail level (basic: ids, owner, start time; full:
# plus executable, argv and script path, what every policy tick reads; complete: plus cgroups),
# wall time and the scanning thread's CPU over 20 scans, then stops the whole group with the
# policy's terminator (SIGTERM, wait, re-scan, SIGKILL if needed). Needs root (setpriv).
#
#   bench/lab/run.sh                        # a few seconds
#   bench/lab/run.sh --processes=5000       # options: --processes, --rounds, --uid
#
# Output: the Markdown table on stdout and in bench/lab/results/latest.md (git-ignored).
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PROJECT="bench/lab/EdgeAccess.Bench.Lab"
DLL="$ROOT/$PROJECT/bin/Release/net10.0/EdgeAccess.Bench.Lab.dll"
RESULTS="$ROOT/bench/lab/results"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
[ "$(id -u)" = 0 ] || die "run as root: the benchmark starts processes as another user"
mkdir -p "$RESULTS"
bench_build "$PROJECT"
bench_wait_quiet 60 0.3
dotnet "$DLL" "$@" | tee "$RESULTS/latest.md"
