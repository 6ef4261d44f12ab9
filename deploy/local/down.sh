#!/usr/bin/env bash
# Stops what deploy/local/up.sh started.
set -uo pipefail
RUN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.run"
# The edges' link relays first (with the connections they carry: link.sh kills the process group).
for pidfile in "$RUN"/link-edge-*.pid; do
  [ -f "$pidfile" ] || continue
  node="$(basename "$pidfile" .pid)"; node="${node#link-}"
  bash "$(dirname "${BASH_SOURCE[0]}")/link.sh" cut "$node" >/dev/null 2>&1 && echo "stopped link-$node"
done
for pidfile in "$RUN"/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null && echo "stopped $(basename "$pidfile" .pid) (pid $pid)"
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
done
# Control programs the lab-process demo started and edge-1 did not stop (e.g. an interrupted run).
pkill -f "$RUN/lab/bin/microscope-ctl" 2>/dev/null && echo "stopped the demo's control programs"
# The demo's private PostgreSQL cluster (kept with --keep-db, as up.sh does when it restarts).
if [ "${1:-}" != "--keep-db" ] && [ -f "$RUN/postgres.dir" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/postgres.sh" stop "$(cat "$RUN/postgres.dir")" && echo "stopped postgres"
  rm -f "$RUN/postgres.dir"
fi
