#!/usr/bin/env bash
# Cuts or restores one edge node's link to the hub in the local demo (deploy/local/up.sh). Each
# edge dials the hub through its own TCP relay (socat); cutting kills the relay and every
# connection it carries, as if the building's uplink failed. The edge keeps deciding taps from its
# replica and journals them; once restored it reconnects, catches up and uploads its journal.
#
#   deploy/local/link.sh cut edge-1        deploy/local/link.sh restore edge-1
#   edge-1 relays 127.0.0.1:5110, edge-2 127.0.0.1:5111, both to the hub's 127.0.0.1:5100.
set -euo pipefail
RUN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.run"
action="${1:-}" node="${2:-}"
case "$node" in
  edge-1) port=5110 ;;
  edge-2) port=5111 ;;
  *) echo "usage: $0 cut|restore edge-1|edge-2" >&2; exit 2 ;;
esac
pidfile="$RUN/link-$node.pid"

cut() {
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  # The relay runs in its own process group (setsid): the listener and the per-connection children
  # it forked go together, so open connections drop too.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

restore() {
  command -v socat >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq socat >/dev/null; }
  cut
  mkdir -p "$RUN"
  setsid socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" TCP:127.0.0.1:5100 </dev/null >>"$RUN/link-$node.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the relay for $node did not start listening on $port; see $RUN/link-$node.log" >&2
  exit 1
}

case "$action" in
  cut) cut; echo "link of $node cut (relay 127.0.0.1:$port stopped)" ;;
  restore) restore; echo "link of $node restored (relay 127.0.0.1:$port -> hub 127.0.0.1:5100, pid $(cat "$pidfile"))" ;;
  *) echo "usage: $0 cut|restore edge-1|edge-2" >&2; exit 2 ;;
esac
