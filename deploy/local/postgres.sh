#!/usr/bin/env bash
# A private PostgreSQL cluster for EdgeAccess, started from Debian's binaries without touching the
# machine's own cluster. Used by up.sh (the demo) and tests/run.sh (the tests).
#
#   postgres.sh start <data-dir> <port> [fast]   initdb if needed, start; prints a connection string
#   postgres.sh stop <data-dir>                  stop it (fast shutdown)
#
# "fast" turns off fsync and synchronous commit: for throwaway test clusters only.
# initdb refuses to run as root, so as root the cluster belongs to the "postgres" user.
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start <data-dir> <port> [fast] | stop <data-dir>" >&2; exit 2; }

ensure_installed() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "==> installing postgresql (apt)" >&2
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  fi
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
}

as_owner() { # run a command as the cluster owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port="${3:?port}"; mode="${4:-}"
    ensure_installed
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
      {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$dir'"
        echo "max_connections = 300"
        echo "shared_buffers = 256MB"
        # One full compile of a large site writes over 1 GB of WAL in a transaction: room for it
        # without forced checkpoints in the middle.
        echo "max_wal_size = 4GB"
        if [ "$mode" = "fast" ]; then
          echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
        fi
      } | as_owner tee -a "$dir/postgresql.conf" >/dev/null
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    ensure_installed
    [ -f "$dir/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
