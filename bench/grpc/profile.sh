#!/usr/bin/env bash
# Where does the unary time of our server go? Runs the same h2load unary load as bench/grpc/run.sh
# against servers built on the same Kestrel h2c setup (bench/EdgeAccess.Bench.Profile), peeling
# off one layer at a time:
#
#   bare, no logger        a bare Kestrel endpoint answering with fixed gRPC bytes: the ceiling;
#   bare, console logger   the same with the interop program's logging (console at Warning), which
#                          makes ASP.NET Core start an Activity and a log scope per request; it
#                          flushes twice per call (message, then trailers); two variants flush once
#                          (all at the end) and three times (headers, message, trailers: as ours);
#   lean                   our gRPC layer, hosted as the interop program is, with a minimal
#                          UnaryCall (no metadata echo) whose service is registered once in DI;
#   lean, no gRPC-web      the same without the gRPC-web and CORS middleware;
#   interop                our interop server as bench/grpc/run.sh measures it ("ours");
#   interop, no hosting log  the same with Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=None;
#   interop, workstation GC  the interop program's own default GC instead of Server GC;
#
# and reports requests/s plus what depends less on how busy the machine is: server CPU time and
# allocated bytes per request, and GCs per 100k requests (from the server's GET /bench/stats, read
# before and after a fixed number of requests).
#
#   bench/grpc/profile.sh                 # PROFILE_REQUESTS=1000000 per run, after 50000 warm-up
#   PROFILE_ALLOC_SAMPLE=1 bench/grpc/profile.sh   # also list the sampled allocations by type
#                                                  # (slower: not for the timing figures)
#
# Output: a Markdown table on stdout and in bench/results/profile.md. Loopback only; every run is
# bounded by its request count and a timeout; servers are stopped by PID.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

REQUESTS="${PROFILE_REQUESTS:-1000000}"
WARM_REQUESTS="${PROFILE_WARM_REQUESTS:-50000}"
CLIENTS="${BENCH_CLIENTS:-8}"
STREAMS="${BENCH_STREAMS:-32}"
ALLOC_SAMPLE="${PROFILE_ALLOC_SAMPLE:-0}"
# label | --mode | --logging | DOTNET_gcServer | extra environment | extra arguments
ROWS=(
  "bare Kestrel, no logger|bare|none|1||"
  "bare Kestrel, console logger|bare|warning|1||"
  "bare Kestrel, console logger, 1 flush per call|bare|warning|1||--flushes=1"
  "bare Kestrel, console logger, 3 flushes per call (as ours)|bare|warning|1||--flushes=3"
  "ours, minimal service|lean|warning|1||"
  "ours, minimal service, no gRPC-web/CORS middleware|lean|warning|1||--grpc-web=false"
  "ours (interop server)|interop|warning|1||"
  "ours, no hosting-diagnostics log|interop|warning|1|Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=None|"
  "ours, workstation GC|interop|warning|0||"
)
PY=/usr/bin/python3
DLL="$ROOT/bench/EdgeAccess.Bench.Profile/bin/Release/net10.0/EdgeAccess.Bench.Profile.dll"
RESULTS="$ROOT/bench/results"

die() { echo "profile: error: $*" >&2; exit 1; }
command -v h2load >/dev/null || die "h2load is required (apt-get install nghttp2-client)"
command -v curl >/dev/null || die "curl is required (it reads the servers' /bench/stats)"
mkdir -p "$RESULTS"

WORK="$(mktemp -d)"
SERVER_PID=""
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

timeout 600 dotnet build -c Release --nologo -v quiet bench/EdgeAccess.Bench.Profile > "$WORK/build.log" 2>&1 ||
  { cat "$WORK/build.log" >&2; die "build failed"; }

# The unary request of bench/grpc/run.sh (see the byte-by-byte description there).
printf '\x00\x00\x00\x00\x10\x10\x0a\x1a\x0c\x12\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' > "$WORK/unary.bin"

# As in run.sh: wait (bounded) until other processes leave the CPUs alone; print the load seen last.
QUIET_WAIT="${BENCH_QUIET_WAIT:-180}"
QUIET_CORES="${BENCH_QUIET_CORES:-0.25}"
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
wait_for_quiet() {
  local t0 t1 load deadline=$((SECONDS + QUIET_WAIT))
  while true; do
    t0="$(busy_ticks)"; sleep 1; t1="$(busy_ticks)"
    load="$(awk -v d=$((t1 - t0)) -v k="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", d / k }')"
    if awk -v l="$load" -v q="$QUIET_CORES" 'BEGIN { exit !(l <= q) }' || ((SECONDS >= deadline)); then
      echo "$load"
      return 0
    fi
    echo "profile: machine busy ($load cores in use by other processes); waiting" >&2
    sleep 4
  done
}

stats() { curl -sS --http2-prior-knowledge --max-time 10 "http://127.0.0.1:$1/bench/stats"; }
stat_field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

h2() {
  local port="$1" count="$2" out="$3"
  timeout 300 h2load -t 1 -n "$count" -c "$CLIENTS" -m "$STREAMS" -d "$WORK/unary.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:$port/grpc.testing.TestService/UnaryCall" > "$out" 2>&1 ||
    { tail -n 20 "$out" >&2; die "h2load failed"; }
  grep -q "^requests: $count total, $count started, $count done, $count succeeded, 0 failed" "$out" ||
    { grep '^requests:' "$out" >&2; die "h2load saw failed requests"; }
}

{
  echo "## Unary cost breakdown ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "h2load -t 1 -c $CLIENTS -m $STREAMS -n $REQUESTS after $WARM_REQUESTS warm-up requests; $(nproc) cores;" \
    "commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)."
  echo
  echo "| server | GC | req/s | server CPU µs/req | allocated B/req | gen0 GCs per 100k req | gen1 | gen2 | other load before (cores) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
} > "$WORK/table.md"

: > "$WORK/allocs.md"
for row in "${ROWS[@]}"; do
  IFS='|' read -r label mode logging gc extra args <<<"$row"
  background="$(wait_for_quiet)"
  port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  sample=()
  ((ALLOC_SAMPLE == 1)) && sample=(--alloc-sample=true)
  # $extra is one NAME=value or empty (env takes it as an assignment); $args is one flag or empty.
  env DOTNET_gcServer="$gc" $extra dotnet "$DLL" --port="$port" --mode="$mode" --logging="$logging" $args "${sample[@]}" \
    > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "$label: server exited"; }
    sleep 0.25
  done
  h2 "$port" "$WARM_REQUESTS" "$WORK/warm.txt"
  before="$(stats "$port")"
  h2 "$port" "$REQUESTS" "$WORK/run.txt"
  after="$(stats "$port")"
  if ((ALLOC_SAMPLE == 1)); then
    { echo; echo "### Sampled allocations: $label"; echo; echo '```';
      curl -sS --http2-prior-knowledge --max-time 10 "http://127.0.0.1:$port/bench/allocs" |
        sed -E 's/, [A-Za-z0-9.]+, Version=[^]]*\]/]/g' | head -n 30; echo '```'; } >> "$WORK/allocs.md"
  fi
  stop_server
  rps="$(sed -n 's/^finished in [0-9.]*m\{0,1\}s, \([0-9.]*\) req\/s.*/\1/p' "$WORK/run.txt")"
  d() { awk -v a="$(stat_field "$before" "$1")" -v b="$(stat_field "$after" "$1")" 'BEGIN { print b - a }'; }
  awk -v label="$label" -v gc="$([[ $gc == 1 ]] && echo server || echo workstation)" -v rps="$rps" -v n="$REQUESTS" \
    -v cpu="$(d cpu_ms)" -v alloc="$(d allocated_bytes)" -v g0="$(d gen0)" -v g1="$(d gen1)" -v g2="$(d gen2)" \
    -v bg="$background" \
    'BEGIN { printf "| %s | %s | %.0f | %.1f | %.0f | %.1f | %.1f | %.1f | %s |\n",
      label, gc, rps, cpu * 1000 / n, alloc / n, g0 * 100000 / n, g1 * 100000 / n, g2 * 100000 / n, bg }' >> "$WORK/table.md"
  echo "profile: $label done" >&2
done
cat "$WORK/allocs.md" >> "$WORK/table.md"
tee "$RESULTS/profile.md" < "$WORK/table.md"
