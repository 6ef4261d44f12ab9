#!/usr/bin/env bash
# gRPC server benchmark: our server (EdgeAccess.Grpc on Kestrel) against a @grpc/grpc-js server and
# a Python grpcio server, all implementing grpc.testing.TestService from the same .proto files
# (tests/EdgeAccess.Interop/Protos), all driven by the same load generators on this machine, in one
# run, one server at a time:
#
#   * unary:      h2load on /grpc.testing.TestService/UnaryCall with one fixed small SimpleRequest;
#                 requests/s, and p50/p99 latency from h2load's per-request log;
#   * streaming:  bench/EdgeAccess.Bench.Streaming (one .NET client for all servers) opening
#                 STREAM_CALLS concurrent StreamingOutputCall calls of STREAM_MESSAGES small
#                 responses each; messages/s. h2load runs the same request as a cross-check that
#                 does not depend on our client (a C client that only counts response bytes).
#
#   bench/grpc/run.sh                       # one round, ~3 minutes
#   BENCH_ROUNDS=3 bench/grpc/run.sh        # medians of 3 interleaved rounds (noisy machines)
#
# Knobs (environment): BENCH_ROUNDS (1), BENCH_DURATION (10 s of measured unary load per server),
# BENCH_WARMUP (3 s of unary warm-up), BENCH_CLIENTS (8 h2load connections), BENCH_STREAMS
# (32 concurrent streams per connection), STREAM_CALLS (16), STREAM_MESSAGES (100000 per call),
# STREAM_TIME_LIMIT (15 s per phase of the streaming client), STREAM_H2LOAD_DURATION (8 s),
# BENCH_BASELINE (1: also measure a bare Kestrel endpoint, the framework ceiling), BENCH_QUIET_WAIT
# (180: seconds to wait, before each server, for other processes to leave the CPUs alone) and
# BENCH_QUIET_CORES (0.25: what "alone" means, in cores busy),
# OURS_ENV (runtime settings of our server, default "DOTNET_gcServer=1", see below).
#
# Output: a Markdown table on stdout and in bench/results/latest.md; the raw figures of every round
# in bench/results/latest.tsv (bench/results/ is git-ignored). Servers' logs and h2load outputs go
# to bench/results/logs/.
#
# Only loopback traffic. Every wait is bounded (h2load runs for fixed durations, the streaming client
# has a time limit, every start-up and check has a timeout). The servers started here are stopped by
# their PIDs on exit.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

ROUNDS="${BENCH_ROUNDS:-1}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-3}"
CLIENTS="${BENCH_CLIENTS:-8}"
STREAMS="${BENCH_STREAMS:-32}"
STREAM_CALLS="${STREAM_CALLS:-16}"
STREAM_MESSAGES="${STREAM_MESSAGES:-100000}"
STREAM_TIME_LIMIT="${STREAM_TIME_LIMIT:-15}"
STREAM_H2LOAD_DURATION="${STREAM_H2LOAD_DURATION:-8}"
BASELINE="${BENCH_BASELINE:-1}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-180}"
QUIET_CORES="${BENCH_QUIET_CORES:-0.25}"
# Our server runs with the GC the production services use: edge/ and cloud/ are
# Microsoft.NET.Sdk.Web projects, whose default is Server GC (the interop program is a plain
# Microsoft.NET.Sdk console, whose default is workstation GC). Tiered compilation with dynamic PGO is
# the .NET default and is left alone. Set OURS_ENV="" to run with the interop program's defaults.
OURS_ENV="${OURS_ENV-DOTNET_gcServer=1}"

RESULTS="$ROOT/bench/results"
LOGS="$RESULTS/logs"
INTEROP_DLL="$ROOT/tests/EdgeAccess.Interop/bin/Release/net10.0/EdgeAccess.Interop.dll"
STREAMING_DLL="$ROOT/bench/EdgeAccess.Bench.Streaming/bin/Release/net10.0/EdgeAccess.Bench.Streaming.dll"
PROFILE_DLL="$ROOT/bench/EdgeAccess.Bench.Profile/bin/Release/net10.0/EdgeAccess.Bench.Profile.dll"
NODE_DIR="$ROOT/tests/interop/node"
PY=/usr/bin/python3 # Debian's python3-grpcio lives only there (not in pyenv/venv interpreters)

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# --- prerequisites ------------------------------------------------------------------------------
if ! command -v h2load >/dev/null; then
  log "h2load is missing: installing nghttp2-client"
  apt-get install -y nghttp2-client >&2 || die "cannot install nghttp2-client (h2load)"
fi
command -v dotnet >/dev/null || die "dotnet is required"
command -v node >/dev/null || die "node is required"
[[ -x "$PY" ]] && "$PY" -c 'import grpc, grpc_tools' 2>/dev/null ||
  die "$PY with grpcio and grpcio-tools (Debian python3-grpcio, python3-grpc-tools) is required"
HAVE_CURL=1
command -v curl >/dev/null || { HAVE_CURL=0; log "curl not found: the exact-bytes response checks are skipped"; }

# grpc-js comes from tests/interop/node's lockfile, installed exactly as tests/interop/node/run.sh
# does it (same flags, same stamp file, so that script does not reinstall afterwards).
if [[ ! -f "$NODE_DIR/node_modules/@grpc/grpc-js/package.json" ]]; then
  log "installing tests/interop/node dependencies (npm ci)"
  (cd "$NODE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 &&
    sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.edgeaccess-lock.sha256) || die "npm ci failed"
fi

mkdir -p "$RESULTS" "$LOGS"
WORK="$(mktemp -d)"
SERVER_PID=""

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Bounded wait for a clean exit, then force.
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build (Release) ------------------------------------------------------------------------------
# The streaming client references the interop program, so this builds both; the baseline is the
# bare-Kestrel reference (bench/EdgeAccess.Bench.Profile --mode=bare).
log "building Release"
for project in tests/EdgeAccess.Interop bench/EdgeAccess.Bench.Streaming bench/EdgeAccess.Bench.Profile; do
  timeout 600 dotnet build -c Release --nologo -v quiet "$project" > "$LOGS/build.log" 2>&1 ||
    { cat "$LOGS/build.log" >&2; die "build of $project failed"; }
done

# --- request bodies ---------------------------------------------------------------------------------
# Unary: one gRPC-framed SimpleRequest, 21 bytes:
#   00             compressed flag: no
#   00 00 00 10    message length: 16
#   10 0a          field 2 response_size (varint) = 10
#   1a 0c          field 3 payload (length-delimited, 12 bytes) =
#     12 0a          Payload field 2 body (10 bytes)
#     00 x 10        ten zero bytes
# (response_type is COMPRESSABLE = 0, the proto3 default, so it is not on the wire.)
# Every server answers with a SimpleResponse holding a 10-byte payload: 19 bytes framed (21 for
# grpc-js, which also writes the default payload type).
printf '\x00\x00\x00\x00\x10\x10\x0a\x1a\x0c\x12\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' > "$WORK/unary.bin"
[[ "$(od -An -tx1 -v "$WORK/unary.bin" | tr -d ' \n')" == 0000000010100a1a0c120a00000000000000000000 ]] ||
  die "unary request body came out wrong: $(od -An -tx1 -v "$WORK/unary.bin")"

# Streaming (h2load cross-check and the one-response probe): a StreamingOutputCallRequest with N
# ResponseParameters { size: 10 }, each on the wire as 12 02 08 0a (field 2, 2 bytes: field 1 = 10).
make_stream_body() {
  "$PY" - "$1" "$2" <<'EOF'
import struct, sys
count, path = int(sys.argv[1]), sys.argv[2]
body = b"\x12\x02\x08\x0a" * count
with open(path, "wb") as f:
    f.write(b"\x00" + struct.pack(">I", len(body)) + body)
EOF
}
make_stream_body "$STREAM_MESSAGES" "$WORK/stream.bin"
make_stream_body 1 "$WORK/stream1.bin"

UNARY_PATH=/grpc.testing.TestService/UnaryCall
STREAM_PATH=/grpc.testing.TestService/StreamingOutputCall
GRPC_HEADERS=(-H 'content-type: application/grpc' -H 'te: trailers')

# --- helpers ------------------------------------------------------------------------------------------
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Busy CPU ticks of the whole machine (all but idle and iowait), and of one process (utime + stime).
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK="$(getconf CLK_TCK)"
now() { date +%s.%N; }
cores() { awk -v t="$1" -v s="$2" -v k="$CLK_TCK" 'BEGIN { printf "%.2f", t / k / s }'; }

# Starts a server in the background (its PID in SERVER_PID) and waits until its port accepts.
start_server() {
  local name="$1" port="$2"
  local out="$LOGS/server-$name.log"
  case "$name" in
    ours) env $OURS_ENV dotnet "$INTEROP_DLL" server --port="$port" --use_tls=false > "$out" 2>&1 & ;;
    grpc-js) node "$NODE_DIR/interop.mjs" server --port="$port" --use_tls=false > "$out" 2>&1 & ;;
    python) "$PY" -B "$ROOT/tests/interop/python/interop.py" server --port="$port" --use_tls=false > "$out" 2>&1 & ;;
    kestrel-bare) env $OURS_ENV dotnet "$PROFILE_DLL" --port="$port" --mode=bare --logging=warning > "$out" 2>&1 & ;;
    *) die "unknown server $name" ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out" >&2; die "$name server exited during start-up"; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.25
  done
  die "$name server did not listen on 127.0.0.1:$port within 30 s"
}

# The servers must answer correctly, which h2load cannot tell (it sees neither trailers nor
# messages). interop_check: a real gRPC client (our interop client) runs large_unary and
# server_streaming against the server. curl_check: curl sends the exact benchmark bytes and checks
# HTTP 200, one well-framed uncompressed message and grpc-status 0 in the trailers; it prints the
# framed size of that response message.
interop_check() {
  local name="$1" port="$2"
  for case in large_unary server_streaming; do
    timeout 90 dotnet "$INTEROP_DLL" client --server_host=127.0.0.1 --server_port="$port" \
      --test_case="$case" --use_tls=false > "$WORK/client.log" 2>&1 ||
      { cat "$WORK/client.log" >&2; die "$name failed interop case $case"; }
  done
}

curl_check() {
  local name="$1" port="$2" path="$3" body="$4" fallback="$5"
  if ((HAVE_CURL == 0)); then
    echo "$fallback"
    return 0
  fi
  curl -sS --http2-prior-knowledge --max-time 10 --data-binary "@$body" "${GRPC_HEADERS[@]}" \
    -D "$WORK/curl.headers" -o "$WORK/curl.body" "http://127.0.0.1:$port$path" || die "$name: curl failed"
  "$PY" - "$WORK/curl.headers" "$WORK/curl.body" "$name $path" <<'EOF'
import struct, sys
headers = open(sys.argv[1], "rb").read().decode("latin-1").replace("\r", "").splitlines()
body = open(sys.argv[2], "rb").read()
def fail(why):
    sys.exit(f"bench: error: {sys.argv[3]}: {why}")
if not headers or not headers[0].startswith("HTTP/2 200"):
    fail(f"HTTP status line {headers[:1]}")
# curl -D writes the response headers and, after them, the trailers.
if "grpc-status: 0" not in [h.strip().lower() for h in headers]:
    fail("no grpc-status: 0")
if len(body) < 5 or body[0] != 0 or struct.unpack(">I", body[1:5])[0] != len(body) - 5:
    fail(f"response body is not one uncompressed message: {body.hex()}")
print(len(body))
EOF
}

# Runs h2load; prints nothing, leaves its output in the given file. Bounded by -D and timeout.
run_h2load() {
  local out="$1"
  shift
  timeout $((DURATION + WARMUP + 60)) h2load -t 1 "${GRPC_HEADERS[@]}" "$@" > "$out" 2>&1 ||
    { tail -n 20 "$out" >&2; die "h2load failed ($*)"; }
}

# h2load's summary figures.
h2_field() { # file regex -> the number before the word
  local file="$1" word="$2"
  grep -Eo "[0-9]+ $word" "$file" | head -n 1 | cut -d' ' -f1
}
h2_reqs() { sed -n 's/^finished in [0-9.]*m\{0,1\}s, \([0-9.]*\) req\/s.*/\1/p' "$1"; }
h2_seconds() {
  sed -n 's/^finished in \([0-9.]*\)\(m\{0,1\}\)s,.*/\1 \2/p' "$1" | awk '{ print ($2 == "m" ? $1 / 1000 : $1) }'
}
h2_data_bytes() { sed -n 's/^traffic: .* (\([0-9]*\)) data$/\1/p' "$1"; }

# Nearest-rank percentiles (ms) of the per-request times (column 3, µs) of an h2load log.
percentiles() {
  sort -n -k3,3 "$1" | awk '{ t[NR] = $3 } END {
    if (NR == 0) { print "nan nan"; exit }
    i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; if (i50 < 1) i50 = 1
    i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++; if (i99 < 1) i99 = 1
    printf "%.3f %.3f\n", t[i50] / 1000, t[i99] / 1000 }'
}

TSV="$RESULTS/latest.tsv"
printf 'round\tserver\tmetric\tvalue\n' > "$TSV"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$TSV"; }

# Background load: how busy the machine is for a second before a server starts (other processes).
background_cores() {
  local t0 s0 t1 s1
  t0="$(machine_busy_ticks)"; s0="$(now)"; sleep 1; t1="$(machine_busy_ticks)"; s1="$(now)"
  cores $((t1 - t0)) "$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')"
}

# Other processes on a 2-core machine distort every figure (a parallel build takes both cores). Wait,
# bounded by QUIET_WAIT seconds, until the machine is nearly idle; the load seen last is recorded
# and shown in the report either way.
wait_for_quiet() {
  local load deadline=$((SECONDS + QUIET_WAIT))
  while true; do
    load="$(background_cores)"
    if awk -v l="$load" -v q="$QUIET_CORES" 'BEGIN { exit !(l <= q) }' || ((SECONDS >= deadline)); then
      break
    fi
    log "machine busy (${load} cores in use by other processes); waiting up to $((deadline - SECONDS)) s more"
    sleep 4
  done
  echo "$load"
}

bench_server() {
  local round="$1" name="$2"
  local port tag
  tag="r$round-$name"
  record "$round" "$name" background_cores "$(wait_for_quiet)"
  port="$(free_port)"
  log "round $round: $name on 127.0.0.1:$port"
  start_server "$name" "$port"
  [[ "$name" == kestrel-bare ]] || interop_check "$name" "$port"
  local unary_frame
  unary_frame="$(curl_check "$name" "$port" "$UNARY_PATH" "$WORK/unary.bin" 19)"

  # Unary. One h2load thread (-t 1): on 2 cores the generator must leave the server as much CPU as
  # possible; it uses ~0.2 core at these rates. Warm-up first (JIT, V8), then DURATION seconds whose
  # requests alone are counted and logged.
  local out="$LOGS/$tag-unary.txt" reqlog="$WORK/$tag-unary.log"
  local p0 m0 s0 p1 m1 s1 elapsed
  p0="$(process_ticks "$SERVER_PID")"; m0="$(machine_busy_ticks)"; s0="$(now)"
  run_h2load "$out" -D "$DURATION" --warm-up-time="$WARMUP" -c "$CLIENTS" -m "$STREAMS" \
    -d "$WORK/unary.bin" --log-file="$reqlog" "http://127.0.0.1:$port$UNARY_PATH"
  p1="$(process_ticks "$SERVER_PID")"; m1="$(machine_busy_ticks)"; s1="$(now)"
  elapsed="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')"
  local n_done succeeded failed errored timeouts bad
  n_done="$(h2_field "$out" done)"; succeeded="$(h2_field "$out" succeeded)"
  failed="$(h2_field "$out" failed)"; errored="$(h2_field "$out" errored)"; timeouts="$(h2_field "$out" timeout)"
  bad=$(($(h2_field "$out" 3xx) + $(h2_field "$out" 4xx) + $(h2_field "$out" 5xx)))
  # h2load's per-request log holds the HTTP status of every measured request, except that a request
  # whose response headers arrived during the warm-up but which ended after it is logged with status
  # 0 (h2load records statuses only in the measured phase). Those can only be the requests in flight
  # at the boundary (at most -c x -m); any other status than 200 is a failure.
  local non200 boundary
  non200="$(awk '$2 != 200 && $2 != 0' "$reqlog" | wc -l)"
  boundary="$(awk '$2 == 0' "$reqlog" | wc -l)"
  if [[ -z "$n_done" || "$n_done" -eq 0 || "$succeeded" -ne "$n_done" || "$failed$errored$timeouts" != 000 ||
    "$bad" -ne 0 || "$non200" -ne 0 || "$boundary" -gt $((CLIENTS * STREAMS)) ]]; then
    grep -E '^(requests|status codes):' "$out" >&2
    die "$name: unary run had failures (non-200 in the log: $non200, status 0: $boundary)"
  fi
  read -r p50 p99 < <(percentiles "$reqlog")
  rm -f "$reqlog"
  record "$round" "$name" unary_rps "$(h2_reqs "$out")"
  record "$round" "$name" unary_p50_ms "$p50"
  record "$round" "$name" unary_p99_ms "$p99"
  record "$round" "$name" unary_requests "$n_done"
  record "$round" "$name" unary_server_cores "$(cores $((p1 - p0)) "$elapsed")"
  record "$round" "$name" unary_machine_cores "$(cores $((m1 - m0)) "$elapsed")"
  record "$round" "$name" unary_response_bytes "$unary_frame"

  if [[ "$name" != kestrel-bare ]]; then
    # Server streaming, our .NET client: STREAM_CALLS calls on one HTTP/2 connection.
    local sout="$LOGS/$tag-stream-client.txt"
    p0="$(process_ticks "$SERVER_PID")"; m0="$(machine_busy_ticks)"; s0="$(now)"
    timeout $((2 * STREAM_TIME_LIMIT + 60)) dotnet "$STREAMING_DLL" --target="http://127.0.0.1:$port" \
      --calls="$STREAM_CALLS" --messages="$STREAM_MESSAGES" --size=10 --connections=1 \
      --time-limit="$STREAM_TIME_LIMIT" > "$sout" 2>&1 || { cat "$sout" >&2; die "$name: streaming client failed"; }
    p1="$(process_ticks "$SERVER_PID")"; m1="$(machine_busy_ticks)"; s1="$(now)"
    elapsed="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')"
    local result
    result="$(grep '^RESULT ' "$sout" | tail -n 1)"
    [[ -n "$result" ]] || { cat "$sout" >&2; die "$name: no RESULT from the streaming client"; }
    record "$round" "$name" stream_client_msgs "$(sed 's/.* msgs_per_s=\([0-9]*\).*/\1/' <<<"$result")"
    record "$round" "$name" stream_client_complete "$(sed 's/.* complete=\([a-z]*\).*/\1/' <<<"$result")"
    record "$round" "$name" stream_server_cores "$(cores $((p1 - p0)) "$elapsed")"
    record "$round" "$name" stream_machine_cores "$(cores $((m1 - m0)) "$elapsed")"

    # Server streaming, h2load: the same request shape on one connection with STREAM_CALLS
    # concurrent streams; messages = response body bytes / framed size of one response (measured by
    # the one-response probe). A short run first warms the path up.
    local frame hout="$LOGS/$tag-stream-h2load.txt"
    frame="$(curl_check "$name" "$port" "$STREAM_PATH" "$WORK/stream1.bin" 19)"
    run_h2load "$WORK/warm.txt" -D 2 -c 1 -m "$STREAM_CALLS" -d "$WORK/stream.bin" "http://127.0.0.1:$port$STREAM_PATH"
    run_h2load "$hout" -D "$STREAM_H2LOAD_DURATION" -c 1 -m "$STREAM_CALLS" -d "$WORK/stream.bin" \
      "http://127.0.0.1:$port$STREAM_PATH"
    record "$round" "$name" stream_h2load_msgs "$(awk -v b="$(h2_data_bytes "$hout")" -v f="$frame" -v s="$(h2_seconds "$hout")" \
      'BEGIN { printf "%.0f", b / f / s }')"
    record "$round" "$name" stream_frame_bytes "$frame"
  fi
  stop_server
}

# --- the run -------------------------------------------------------------------------------------------
SERVERS=(ours grpc-js python)
((BASELINE == 1)) && SERVERS+=(kestrel-bare)
STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for round in $(seq 1 "$ROUNDS"); do
  # Rotate the order each round so slow drifts of background load do not always hit the same server.
  for i in "${!SERVERS[@]}"; do
    bench_server "$round" "${SERVERS[$(((i + round - 1) % ${#SERVERS[@]}))]}"
  done
done

# --- report -------------------------------------------------------------------------------------------
export BENCH_STARTED="$STARTED" BENCH_ROUNDS="$ROUNDS" BENCH_DURATION="$DURATION" BENCH_WARMUP="$WARMUP" \
  BENCH_CLIENTS="$CLIENTS" BENCH_STREAMS="$STREAMS" STREAM_CALLS STREAM_MESSAGES STREAM_TIME_LIMIT \
  STREAM_H2LOAD_DURATION OURS_ENV BENCH_QUIET_CORES="$QUIET_CORES"
export BENCH_VERSIONS
BENCH_VERSIONS="$(printf 'commit %s; %s; %s; node %s, @grpc/grpc-js %s; grpcio %s (%s); %s; %s cores, %s' \
  "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)" \
  "$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print "ASP.NET Core " v }')" \
  "$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print ".NET " v }')" \
  "$(node --version)" "$(node -p "require('$NODE_DIR/node_modules/@grpc/grpc-js/package.json').version")" \
  "$("$PY" -c 'import grpc; print(grpc.__version__)')" "$("$PY" --version)" \
  "$(h2load --version | head -n 1)" "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)")"
"$PY" - "$TSV" <<'EOF' | tee "$RESULTS/latest.md"
import csv, os, statistics, sys
from collections import defaultdict

values = defaultdict(list)
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f, delimiter="\t"):
        values[(row["server"], row["metric"])].append(row["value"])

def num(server, metric):
    vs = [float(v) for v in values.get((server, metric), []) if v not in ("", "nan")]
    return statistics.median(vs) if vs else None

def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"

def ratio(a, b):
    return "–" if a is None or b in (None, 0) else f"{a / b:.2f}×"

env = os.environ
servers = [s for s in ("ours", "grpc-js", "python", "kestrel-bare") if (s, "unary_rps") in values]
label = {"ours": "ours (EdgeAccess.Grpc)", "grpc-js": "@grpc/grpc-js", "python": "Python grpcio",
         "kestrel-bare": "bare Kestrel endpoint, same host setup (ceiling; not gRPC)"}
rounds = int(env["BENCH_ROUNDS"])
print(f"## gRPC server benchmark ({env['BENCH_STARTED']})\n")
print(f"{env['BENCH_VERSIONS']}.  ")
print(f"Unary: h2load -t 1 -c {env['BENCH_CLIENTS']} -m {env['BENCH_STREAMS']} -D {env['BENCH_DURATION']} "
      f"--warm-up-time={env['BENCH_WARMUP']}, SimpleRequest response_size=10 + 10-byte payload.  ")
print(f"Streaming: {env['STREAM_CALLS']} concurrent StreamingOutputCall calls × {env['STREAM_MESSAGES']} responses "
      f"of 10 bytes on one connection; our .NET client (time limit {env['STREAM_TIME_LIMIT']} s) and h2load "
      f"(-c 1 -m {env['STREAM_CALLS']} -D {env['STREAM_H2LOAD_DURATION']}).  ")
print(f"Our server's runtime settings: `{env['OURS_ENV'] or '(defaults)'}`. "
      + (f"Figures are medians of {rounds} interleaved rounds." if rounds > 1 else "One round."))
print()
print("| server | unary req/s | p50 ms | p99 ms | streamed msgs/s (.NET client) | streamed msgs/s (h2load) "
      "| unary: ours ÷ this | streamed: ours ÷ this (.NET client / h2load) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
ours = {m: num("ours", m) for m in ("unary_rps", "stream_client_msgs", "stream_h2load_msgs")}
cut_any = False
for s in servers:
    rps, cm, hm = num(s, "unary_rps"), num(s, "stream_client_msgs"), num(s, "stream_h2load_msgs")
    cut = "false" in values.get((s, "stream_client_complete"), [])
    cut_any |= cut
    if s == "kestrel-bare":
        # The ceiling is not a competitor: the unary column says how close ours comes to it instead.
        unary_ratio = f"ours = {ratio(ours['unary_rps'], rps)} of this"
        stream_ratio = "–"
    else:
        unary_ratio = ratio(ours["unary_rps"], rps)
        stream_ratio = f"{ratio(ours['stream_client_msgs'], cm)} / {ratio(ours['stream_h2load_msgs'], hm)}"
    print(f"| {label[s]} | {fmt(rps)} | {fmt(num(s, 'unary_p50_ms'), 2)} | {fmt(num(s, 'unary_p99_ms'), 2)} "
          f"| {fmt(cm)}{' ¹' if cut else ''} | {fmt(hm)} | {unary_ratio} | {stream_ratio} |")
print()
if cut_any:
    print(f"¹ The calls were still running at the {env['STREAM_TIME_LIMIT']} s time limit; the rate is the "
          "messages received until then.\n")
js_rps = num("grpc-js", "unary_rps")
ok_unary = ours["unary_rps"] is not None and js_rps is not None and ours["unary_rps"] >= 2 * js_rps
streams = [v for v in (ours["stream_client_msgs"], ours["stream_h2load_msgs"]) if v is not None]
best_stream = min(streams) if streams else None
print(f"Targets: unary ≥ 2× grpc-js: {ratio(ours['unary_rps'], js_rps)} → {'met' if ok_unary else 'MISSED'}; "
      f"≥ 100k streamed msgs/s: {fmt(best_stream)} (the lower of the two clients' figures) → "
      f"{'met' if best_stream is not None and best_stream >= 100_000 else 'MISSED'}.")
busy = [s for s in servers if (num(s, "background_cores") or 0) > float(env["BENCH_QUIET_CORES"])]
if busy:
    print(f"**Warning:** other processes kept the machine busy before {', '.join(label[s] for s in busy)} "
          "(see the first column below); those figures are depressed and the ratios unreliable. Re-run on an idle machine.")
print()
print("Conditions (CPU in cores of the 2; machine = every process, the load generator included):\n")
print("| server | idle-machine load before start | unary: server CPU | unary: machine CPU "
      "| streaming (.NET client): server CPU | streaming: machine CPU | response frame bytes (unary / stream) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for s in servers:
    print(f"| {label[s]} | {fmt(num(s, 'background_cores'), 2)} | {fmt(num(s, 'unary_server_cores'), 2)} "
          f"| {fmt(num(s, 'unary_machine_cores'), 2)} | {fmt(num(s, 'stream_server_cores'), 2)} "
          f"| {fmt(num(s, 'stream_machine_cores'), 2)} | {fmt(num(s, 'unary_response_bytes'))} / {fmt(num(s, 'stream_frame_bytes'))} |")
EOF
log "raw figures: $TSV; logs: $LOGS"
