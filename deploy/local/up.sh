#!/usr/bin/env bash
# Runs EdgeAccess on this machine: builds, starts a private PostgreSQL cluster, the cloud hub
# (seeding a demo campus on first start) and two edge nodes on two sites, each dialling the hub
# through its own TCP relay (deploy/local/link.sh cuts and restores it). Signs in with the
# edgeaccess CLI, shows the admin API, then plays issue 4's scenario: a tap decided at an edge,
# both nodes online, one node's link cut, taps still decided locally while the hub blocks a card,
# the link restored and the offline taps arriving in the hub's journal. Issue 5 and 6: a booking of
# the demo microscope opens its door at edge-1 and lets Ada run its control program on edge-1 (a
# lab server too); an unbooked run is stopped at once, and Ada's run is warned and stopped when the
# booking ends, with edge-1 cut off from the hub. Then follows the logs
# until Ctrl-C (which stops everything). With --detach it leaves them running instead; stop them
# with deploy/local/down.sh.
#
#   postgres: 127.0.0.1:55440 (data in /tmp/edgeaccess-demo-pg; skipped when
#             EdgeAccess__Database__ConnectionString is set)
#   hub:    gRPC h2c 127.0.0.1:5100   gRPC-web + /health 127.0.0.1:5101
#   edge-1: gRPC h2c 127.0.0.1:5200   gRPC-web + /health 127.0.0.1:5201   site Demo Campus, hub via relay 127.0.0.1:5110
#   edge-2: gRPC h2c 127.0.0.1:5210   gRPC-web + /health 127.0.0.1:5211   site North Lab,   hub via relay 127.0.0.1:5111
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/.run"
DETACH=false
[ "${1:-}" = "--detach" ] && DETACH=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

for tool in curl socat; do
  command -v "$tool" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done

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

say() { echo "==> $*"; }
note() { echo "    # $*"; }

say "starting the hub"
start hub cloud/EdgeAccess.Cloud --EdgeAccess:Endpoints:GrpcPort=5100 --EdgeAccess:Endpoints:WebPort=5101
wait_healthy hub http://127.0.0.1:5101/health

EA_DLL="$ROOT/cloud/EdgeAccess.Cli/bin/Release/net10.0/edgeaccess.dll"
EA=(dotnet "$EA_DLL" --hub http://127.0.0.1:5100)
ea() { echo "    \$ edgeaccess $*"; "${EA[@]}" "$@" 2>&1 | sed 's/^/      /' || true; }
ea_quiet() { "${EA[@]}" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

say "the admin API from the command line (edgeaccess; more: dotnet $EA_DLL --help):"
printf '%s\n' "$EdgeAccess__Bootstrap__AdminPassword" | ea login --user "$EdgeAccess__Bootstrap__AdminUsername" --password-stdin
ea doors list
echo "    \$ explain: Ben's card at Lab 1 next Monday 10:00 and 23:00 (site time)"
echo 04A1B2C3D5 | ea explain --card-number-stdin --door "Lab 1" --at "$(date -d 'next monday' +%F)T10:00"
echo 04A1B2C3D5 | ea explain --card-number-stdin --door "Lab 1" --at "$(date -d 'next monday' +%F)T23:00"
ea who-can-open --door "Main entrance"
echo "    (signed in as admin; the password is in .run/secrets.env)"

# The seeder makes one site; issue 4's demo has a second one, added over the admin API (the CLI
# has no create commands for sites, doors, schedules or grants yet).
say "a second site for the second edge node (North Lab: one door; Ada may pass at any hour)"
read -r SITE2 DOOR2 <<<"$(python3 "$ROOT/deploy/local/demo-site2.py" http://127.0.0.1:5101)"
[ -n "${DOOR2:-}" ] || { echo "    could not add the second site (see the error above)"; exit 1; }
say "a bookable resource for issue 5's demo (Demo microscope: its booking opens the Microscope room at Demo Campus)"
read -r MICROSCOPE MDOOR <<<"$(python3 "$ROOT/deploy/local/demo-microscope.py" http://127.0.0.1:5101)"
[ -n "${MDOOR:-}" ] || { echo "    could not add the demo resource (see the error above)"; exit 1; }
SITE1="$(ea_quiet --json sites list | json "[s['id'] for s in d['sites'] if s['name']=='Demo Campus'][0]")"
DOOR1="$(ea_quiet --json doors list --site "$SITE1" | json "[x['id'] for x in d['doors'] if x['name']=='Main entrance'][0]")"
ea sites list

# Each node gets a one-time enrollment code unless it is already enrolled with its credential in
# .run/edge-N (re-runs keep the node and its replica). A new code means a fresh data folder.
enrollment_code() { # node site
  local node="$1" site="$2" dir="$RUN/$1"
  if ea_quiet --json nodes show "$node" >/dev/null 2>&1; then
    if [ -f "$dir/node-credential.json" ]; then return 0; fi
    rm -rf "$dir"
    ea_quiet --json nodes code "$node" | json "d['enrollmentCode']"
  else
    rm -rf "$dir"
    ea_quiet --json nodes create "$node" --site "$site" --description "deploy/local demo" | json "d['enrollmentCode']"
  fi
}

say "registering the edge nodes (nodes create prints a one-time enrollment code; shown here once per node):"
CODE1="$(enrollment_code edge-1 "$SITE1")"
CODE2="$(enrollment_code edge-2 "$SITE2")"
for n in 1 2; do
  code="CODE$n"
  if [ -n "${!code}" ]; then echo "    edge-$n: new enrollment code ${!code}"; else echo "    edge-$n: already enrolled (credential in .run/edge-$n)"; fi
done

# edge-1 is also the lab server that runs the demo microscope (issue 6). Its OS accounts come from
# a demo passwd file (Ada as uid 61001, a guest as 61002) rather than this machine's, and its
# grant/revoke commands are a script that logs what gpasswd would do, so the demo changes no real
# account or group. The control program is a copy of sleep.
LAB="$RUN/lab"
mkdir -p "$LAB/bin"
printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' 'ada:x:61001:61001:Ada Lovelace:/nonexistent:/usr/sbin/nologin' \
  'guest:x:61002:61002:Guest:/nonexistent:/usr/sbin/nologin' > "$LAB/passwd"
printf '#!/bin/sh\n# deploy/local stand-in for: gpasswd -a|-d USER GROUP\necho "$(date -u +%%T) $*" >> "%s"\n' "$LAB/os-groups.log" > "$LAB/os-group.sh"
chmod 755 "$LAB/os-group.sh"
cp /bin/sleep "$LAB/bin/microscope-ctl"
LAB_ARGS=(--EdgeAccess:LabPolicy:Accounts:PasswdPath="$LAB/passwd"
  --EdgeAccess:LabPolicy:Grants:GrantCommand:0="$LAB/os-group.sh" --EdgeAccess:LabPolicy:Grants:GrantCommand:1=-a
  --EdgeAccess:LabPolicy:Grants:GrantCommand:2="{user}" --EdgeAccess:LabPolicy:Grants:GrantCommand:3="{group}"
  --EdgeAccess:LabPolicy:Grants:RevokeCommand:0="$LAB/os-group.sh" --EdgeAccess:LabPolicy:Grants:RevokeCommand:1=-d
  --EdgeAccess:LabPolicy:Grants:RevokeCommand:2="{user}" --EdgeAccess:LabPolicy:Grants:RevokeCommand:3="{group}")

say "starting the edge nodes, each dialling the hub through its own relay (deploy/local/link.sh cut|restore edge-N)"
start_edge() { # n grpc-port web-port relay-port code [extra args...]
  local n="$1" grpc="$2" web="$3" relay="$4" code="$5"; shift 5
  bash "$ROOT/deploy/local/link.sh" restore "edge-$n" | sed 's/^/    /'
  # The code reaches the node through its environment, not its command line (ps).
  EdgeAccess__Edge__EnrollmentCode="$code" start "edge-$n" edge/EdgeAccess.Edge \
    --EdgeAccess:Endpoints:GrpcPort="$grpc" --EdgeAccess:Endpoints:WebPort="$web" \
    --EdgeAccess:Edge:NodeId="edge-$n" --EdgeAccess:Edge:HubAddress="http://127.0.0.1:$relay" \
    --EdgeAccess:Edge:DataDirectory="$RUN/edge-$n" \
    --EdgeAccess:Edge:SyncHeartbeatInterval=00:00:02 --EdgeAccess:Edge:MaxReconnectDelay=00:00:02 "$@"
}
start_edge 1 5200 5201 5110 "$CODE1" "${LAB_ARGS[@]}"
start_edge 2 5210 5211 5111 "$CODE2"
wait_healthy edge-1 http://127.0.0.1:5201/health
wait_healthy edge-2 http://127.0.0.1:5211/health

node_field() { ea_quiet --json nodes show "$1" | json "$2"; }
wait_node() { # node health [max-lag]
  for _ in $(seq 1 120); do
    if [ "$(node_field "$1" "d['health']+' '+str(int(d['lag'])<=${3:-0})")" = "$2 True" ]; then return 0; fi
    sleep 0.5
  done
  echo "    $1 did not reach $2 in time; last log lines:"; tail -n 20 "$RUN/$1.log"; return 1
}
tap() { # label edge-port door numbers...
  local label="$1" port="$2" door="$3"; shift 3
  echo "    \$ printf '<$label>' | edgeaccess tap --edge http://127.0.0.1:$port --door <door>"
  printf '%s\n' "$@" | "${EA[@]}" tap --edge "http://127.0.0.1:$port" --door "$door" 2>&1 | sed 's/^/      /' || true
}
wait_journal() { # node seq
  for _ in $(seq 1 60); do
    [ "$(ea_quiet --json journal --node "$1" --limit 1 | json "max([int(e['seq']) for e in d['events']] or [0])")" -ge "$2" ] && return 0
    sleep 0.5
  done
  return 1
}

say "issue 4: edge nodes decide locally, with or without the hub"
wait_node edge-1 NODE_HEALTH_ONLINE && wait_node edge-2 NODE_HEALTH_ONLINE
note "Both nodes enrolled, took their site's snapshot and follow the feed:"
ea nodes list
note "Ada taps her card at edge-1's main entrance; edge-1 decides from its own replica:"
tap "Ada" 5200 "$DOOR1" 04A1B2C3D4

say "cutting edge-1's link to the hub"
bash "$ROOT/deploy/local/link.sh" cut edge-1 | sed 's/^/    /'
wait_node edge-1 NODE_HEALTH_OFFLINE 1000000 || true
ADA_CARD="$(ea_quiet --json cards list --person "Ada Lovelace" | json "d['cards'][0]['id']")"
note "Meanwhile an admin blocks Ada's card at the hub:"
ea cards block "$ADA_CARD"
note "edge-2 is online: the block reaches it within moments, its door now refuses her:"
for _ in $(seq 1 40); do
  printf '04A1B2C3D4\n' | "${EA[@]}" tap --edge http://127.0.0.1:5210 --door "$DOOR2" 2>/dev/null | grep -q CARD_BLOCKED && break
  sleep 0.25
done
tap "Ada" 5210 "$DOOR2" 04A1B2C3D4
note "edge-1 is cut off: it keeps deciding every tap locally (and journals it), still from its last replica:"
OFFLINE_TAPS="$(printf '%s\n' 04A1B2C3D4 04A1B2C3D6 04A1B2C3D5 | "${EA[@]}" tap --edge http://127.0.0.1:5200 --door "$DOOR1" 2>&1 || true)"
echo "    \$ printf '<Ada>\n<Cleo>\n<Ben>\n' | edgeaccess tap --edge http://127.0.0.1:5200 --door <door>"
echo "$OFFLINE_TAPS" | sed 's/^/      /'
LAST_SEQ="$(echo "$OFFLINE_TAPS" | sed -n 's/.*journal seq: \([0-9]*\).*/\1/p' | tail -n 1)"
note "The hub sees edge-1 offline and behind its site's feed:"
ea nodes list

say "restoring edge-1's link"
bash "$ROOT/deploy/local/link.sh" restore edge-1 | sed 's/^/    /'
wait_node edge-1 NODE_HEALTH_ONLINE || true
note "edge-1 reconnected and caught up (lag 0): it now knows about the block too:"
ea nodes show edge-1
tap "Ada" 5200 "$DOOR1" 04A1B2C3D4
wait_journal edge-1 "${LAST_SEQ:-1}" || true
note "edge-1 uploaded its journal: the taps it decided while cut off are in the hub's journal now:"
ea journal --node edge-1 --limit 8
note "Unblocking Ada's card again (so the next run starts the same way):"
ea cards unblock "$ADA_CARD"

say "issue 5: a booking opens a door at the edge for the booked window only"
ADA="$(ea_quiet --json people list --name "Ada Lovelace" | json "d['people'][0]['id']")"
# Re-runs start the same way: cancel Ada's demo bookings of the microscope that have not ended.
for id in $(ea_quiet --json bookings list --resource "$MICROSCOPE" --from "$(date -u +%FT%TZ)" \
    | json "' '.join(b['id'] for b in d.get('bookings', []) if b['personId']=='$ADA' and b['status'] in ('BOOKING_STATUS_PENDING','BOOKING_STATUS_CONFIRMED','BOOKING_STATUS_CHECKED_IN'))"); do
  ea_quiet bookings cancel "$id" --reason "deploy/local re-run" >/dev/null 2>&1 || true
done
say "issue 6: edge-1 is the microscope's lab server; it enforces bookings on the microscope's control program"
note "edge-1 reported its OS accounts; an admin links uid 61001 (ada) to Ada Lovelace:"
for _ in $(seq 1 40); do
  ea_quiet --json nodes accounts edge-1 2>/dev/null | grep -q '"61001"\|: 61001' && break
  sleep 0.5
done
ea nodes accounts edge-1
ea nodes link-account edge-1 61001 "Ada Lovelace"
note "The microscope runs on edge-1: its program is watched (enforce: warn 20 s before the end, stop 5 s after it, check every 2 s) and bookers join the OS group 'microscope':"
ea resources update "Demo microscope" --node edge-1 --control-program "$LAB/bin/microscope-ctl" \
  --lab-mode enforce --lab-warning 20 --lab-grace 5 --lab-interval 2 --lab-group microscope
ea resources show "Demo microscope"
note "Ada taps at edge-1's Microscope room: no scheme or grant opens it, so edge-1 refuses her (NO_RIGHT; NOT_VALID_AT_TIME once an earlier demo booking has ended):"
tap "Ada" 5200 "$MDOOR" 04A1B2C3D4
note "An admin books the microscope for Ada, from now for one minute (--override: now is not on the 1-minute grid):"
echo "    \$ edgeaccess bookings create --resource \"Demo microscope\" --person \"Ada Lovelace\" --start now --minutes 1 --override"
BOOKED="$("${EA[@]}" bookings create --resource "$MICROSCOPE" --person "Ada Lovelace" --start now --minutes 1 --override --note "deploy/local demo" 2>&1 || true)"
echo "$BOOKED" | sed 's/^/      /'
BOOKING_END="$(echo "$BOOKED" | sed -n 's/^utc: .* \.\. \(.*\)Z$/\1/p')"
if [ -n "$BOOKING_END" ]; then
  note "The hub compiles the booking into a right term [start, end] and sends it down the feed; edge-1 now opens:"
  for _ in $(seq 1 40); do
    printf '04A1B2C3D4\n' | "${EA[@]}" tap --edge http://127.0.0.1:5200 --door "$MDOOR" 2>/dev/null | grep -q GRANTED && break
    sleep 0.25
  done
  tap "Ada" 5200 "$MDOOR" 04A1B2C3D4
  ea bookings list --resource "$MICROSCOPE" --from "$(date -u +%FT%TZ)"
  LAB_DEMO=false
  if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    LAB_DEMO=true
    for _ in $(seq 1 20); do grep -q -- "-a ada microscope" "$LAB/os-groups.log" 2>/dev/null && break; sleep 0.5; done
    note "edge-1 ran its grant command for Ada's booking (.run/lab/os-groups.log):"
    sed 's/^/      /' "$LAB/os-groups.log" 2>/dev/null | tail -n 3
    note "Ada (uid 61001) and a guest (uid 61002, linked to nobody) both start the microscope's control program on edge-1:"
    setpriv --reuid=61001 --regid=61001 --clear-groups setsid "$LAB/bin/microscope-ctl" 900 </dev/null >/dev/null 2>&1 &
    ADA_PID=$!
    setpriv --reuid=61002 --regid=61002 --clear-groups setsid "$LAB/bin/microscope-ctl" 900 </dev/null >/dev/null 2>&1 &
    GUEST_PID=$!
    for _ in $(seq 1 30); do kill -0 "$GUEST_PID" 2>/dev/null || break; sleep 0.5; done
    note "The guest holds no booking: edge-1 warned and stopped the run within interval + grace; Ada's keeps running:"
    echo "    guest's run (pid $GUEST_PID): $(kill -0 "$GUEST_PID" 2>/dev/null && echo running || echo stopped)"
    echo "    Ada's run   (pid $ADA_PID): $(kill -0 "$ADA_PID" 2>/dev/null && echo running || echo stopped)"
  else
    note "(the lab-process part needs root and setpriv to run programs as other users; skipped)"
  fi
  note "Cutting edge-1's link: from here on edge-1 decides alone, from its replica."
  bash "$ROOT/deploy/local/link.sh" cut edge-1 | sed 's/^/    /'
  wait_s=$(( $(date -u -d "$BOOKING_END UTC" +%s) - $(date -u +%s) + 2 ))
  echo "    waiting for the booking to end… (${wait_s}s, until $BOOKING_END UTC + 2s)"
  [ "$wait_s" -gt 0 ] && sleep "$wait_s"
  note "The window has ended: edge-1, still cut off from the hub, refuses Ada by itself:"
  tap "Ada" 5200 "$MDOOR" 04A1B2C3D4
  if $LAB_DEMO; then
    for _ in $(seq 1 30); do kill -0 "$ADA_PID" 2>/dev/null || break; sleep 0.5; done
    note "And it stopped Ada's control program 5 s after the end (it had warned her 20 s before), also offline:"
    echo "    Ada's run   (pid $ADA_PID): $(kill -0 "$ADA_PID" 2>/dev/null && echo "still running" || echo stopped)"
    note "and took her out of the OS group again:"
    sed 's/^/      /' "$LAB/os-groups.log" | tail -n 2
  fi
  bash "$ROOT/deploy/local/link.sh" restore edge-1 | sed 's/^/    /'
  wait_node edge-1 NODE_HEALTH_ONLINE || true
  if $LAB_DEMO; then
    sleep 2
    note "Back online, edge-1 uploaded what it did; the hub's journal shows the warnings and terminations:"
    for kind in lab.warning lab.terminated; do ea journal --node edge-1 --kind "$kind" --limit 3; done
  fi
else
  echo "    could not book the demo microscope (see the error above)"
fi

echo "==> ServerInfo over gRPC-web from the command line (hub, then edge-1):"
for port in 5101 5201; do
  # One empty GetServerInfoRequest, framed: flag 0, length 0 (PROTOCOL-WEB).
  printf '\x00\x00\x00\x00\x00' | curl -sS --data-binary @- -H 'content-type: application/grpc-web+proto' \
    "http://127.0.0.1:$port/edgeaccess.v1.ServerInfoService/GetServerInfo" | tr -c '[:print:]' ' ' | sed 's/  */ /g; s/^/    /'
  echo
done

echo "    try: deploy/local/link.sh cut edge-2 && dotnet $EA_DLL nodes list"
if $DETACH; then
  echo "==> running; stop with deploy/local/down.sh"
  exit 0
fi
echo "==> following logs (Ctrl-C stops everything)"
trap '"$ROOT/deploy/local/down.sh"; exit 0' INT TERM
tail -n 0 -f "$RUN/hub.log" "$RUN/edge-1.log" "$RUN/edge-2.log"
