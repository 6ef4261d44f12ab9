#!/usr/bin/env bash
# Runs EdgeAccess on this machine: builds, starts a private PostgreSQL cluster, the cloud hub
# (seeding a demo campus on first start) and one edge node on loopback, waits until they are
# healthy, signs in with the edgeaccess CLI and shows the admin API, shows the edge node reaching
# the hub over gRPC, then follows the logs until Ctrl-C (which stops everything). With --detach
# it leaves them running instead; stop them with deploy/local/down.sh.
#
#   postgres: 127.0.0.1:55440 (data in /tmp/edgeaccess-demo-pg; skipped when
#             EdgeAccess__Database__ConnectionString is set)
#   hub:  gRPC h2c 127.0.0.1:5100   gRPC-web + /health 127.0.0.1:5101
#   edge: gRPC h2c 127.0.0.1:5200   gRPC-web + /health 127.0.0.1:5201
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/.run"
DETACH=false
[ "${1:-}" = "--detach" ] && DETACH=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v curl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }

echo "==> building (Release)"
dotnet build "$ROOT/EdgeAccess.sln" -c Release -nologo -v quiet >/dev/null 2>&1 || dotnet build "$ROOT/EdgeAccess.sln" -c Release -nologo -v quiet
"$ROOT/deploy/local/down.sh" --keep-db >/dev/null 2>&1 || true
mkdir -p "$RUN"

# The hub's database: a private PostgreSQL cluster (Debian binaries, run as the postgres user)
# unless EdgeAccess__Database__ConnectionString points at one already.
if [ -z "${EdgeAccess__Database__ConnectionString:-}" ]; then
  PG_DIR="${EDGEACCESS_PG_DIR:-/tmp/edgeaccess-demo-pg}"
  echo "==> PostgreSQL (private cluster in $PG_DIR, port 55440)"
  server="$(bash "$ROOT/deploy/local/postgres.sh" start "$PG_DIR" 55440)"
  psql -h 127.0.0.1 -p 55440 -U postgres -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'edgeaccess'" | grep -q 1 \
    || psql -h 127.0.0.1 -p 55440 -U postgres -d postgres -qc "CREATE DATABASE edgeaccess"
  export EdgeAccess__Database__ConnectionString="${server/Database=postgres/Database=edgeaccess}"
  echo "$PG_DIR" > "$RUN/postgres.dir"
fi

# Demo secrets, generated once per checkout and kept in .run/ (never committed): the card-hash key
# and the bootstrap admin's password. They reach the hub through its environment, not its
# command line, so they do not show in ps.
if [ ! -f "$RUN/secrets.env" ]; then
  umask 077
  {
    echo "EdgeAccess__Secrets__CardHashKey=$(head -c 32 /dev/urandom | base64)"
    echo "EdgeAccess__Bootstrap__AdminUsername=admin"
    echo "EdgeAccess__Bootstrap__AdminPassword=demo-$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  } > "$RUN/secrets.env"
  umask 022
fi
set -a; . "$RUN/secrets.env"; set +a
export EdgeAccess__Demo__Seed=true

start() { # name project-dir args...
  local name="$1" dir="$2"; shift 2
  (cd "$ROOT/$dir" && exec dotnet "bin/Release/net10.0/$(basename "$dir").dll" "$@") > "$RUN/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"
  echo "    $name started (pid $(cat "$RUN/$name.pid"), log .run/$name.log)"
}

wait_healthy() { # name url
  for _ in $(seq 1 60); do
    if curl -fsS "$2" >/dev/null 2>&1; then echo "    $1 healthy: $(curl -sS "$2")"; return 0; fi
    sleep 0.5
  done
  echo "$1 did not become healthy; last log lines:"; tail -n 20 "$RUN/$1.log"; exit 1
}

echo "==> starting the hub and an edge node"
start hub cloud/EdgeAccess.Cloud --EdgeAccess:Endpoints:GrpcPort=5100 --EdgeAccess:Endpoints:WebPort=5101
start edge-1 edge/EdgeAccess.Edge --EdgeAccess:Endpoints:GrpcPort=5200 --EdgeAccess:Endpoints:WebPort=5201 \
  --EdgeAccess:Edge:NodeId=edge-1 --EdgeAccess:Edge:HubAddress=http://127.0.0.1:5100 \
  --EdgeAccess:Edge:DataDirectory="$RUN/edge-1"
wait_healthy hub http://127.0.0.1:5101/health
wait_healthy edge-1 http://127.0.0.1:5201/health

EA_DLL="$ROOT/cloud/EdgeAccess.Cli/bin/Release/net10.0/edgeaccess.dll"
echo "==> the admin API from the command line (edgeaccess; more: dotnet $EA_DLL --help):"
ea() { dotnet "$EA_DLL" --hub http://127.0.0.1:5100 "$@" 2>&1 | sed 's/^/    /' || true; }
printf '%s\n' "$EdgeAccess__Bootstrap__AdminPassword" | ea login --user "$EdgeAccess__Bootstrap__AdminUsername" --password-stdin
ea doors list
echo "    \$ explain: Ben's card at Lab 1 next Monday 10:00 and 23:00 (site time)"
echo 04A1B2C3D5 | ea explain --card-number-stdin --door "Lab 1" --at "$(date -d 'next monday' +%F)T10:00"
echo 04A1B2C3D5 | ea explain --card-number-stdin --door "Lab 1" --at "$(date -d 'next monday' +%F)T23:00"
ea who-can-open --door "Main entrance"
echo "    (signed in as admin; the password is in .run/secrets.env)"

echo "==> the edge node opened its own gRPC link to the hub:"
for _ in $(seq 1 40); do
  if grep -q "reachable (version" "$RUN/edge-1.log"; then grep -m1 "reachable (version" "$RUN/edge-1.log" | sed 's/^ */    /'; break; fi
  sleep 0.5
done

echo "==> ServerInfo over gRPC-web from the command line (hub, then edge):"
for port in 5101 5201; do
  # One empty GetServerInfoRequest, framed: flag 0, length 0 (PROTOCOL-WEB).
  printf '\x00\x00\x00\x00\x00' | curl -sS --data-binary @- -H 'content-type: application/grpc-web+proto' \
    "http://127.0.0.1:$port/edgeaccess.v1.ServerInfoService/GetServerInfo" | tr -c '[:print:]' ' ' | sed 's/  */ /g; s/^/    /'
  echo
done

if $DETACH; then
  echo "==> running; stop with deploy/local/down.sh"
  exit 0
fi
echo "==> following logs (Ctrl-C stops everything)"
trap '"$ROOT/deploy/local/down.sh"; exit 0' INT TERM
tail -n 0 -f "$RUN/hub.log" "$RUN/edge-1.log"
