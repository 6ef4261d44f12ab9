#!/usr/bin/env bash
# Runs every EdgeAccess test suite on a fresh Debian machine: installs what the tests need
# (apt, npm, NuGet; idempotent), builds once, runs the .NET, Python, Node and browser suites,
# and ends with one line "N passed, N failed" totalling all of them. Exits non-zero if any
# test failed or any suite could not run.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- 1. What the machine needs -------------------------------------------------------------
missing=()
/usr/bin/python3 -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null || missing+=(python3-grpcio python3-grpc-tools python3-protobuf)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)   # deploy/local/pki.sh (the hub TLS tests run it)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "apt-get install failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# A private PostgreSQL cluster for the hub's tests (installs postgresql if missing). Each test
# class creates its own database in it; fsync is off because the cluster is thrown away.
PG_DIR="${EDGEACCESS_TEST_PG_DIR:-/tmp/edgeaccess-test-pg}"
PG_PORT="${EDGEACCESS_TEST_PG_PORT:-55432}"
echo "==> PostgreSQL for the tests ($PG_DIR)"
if ! EDGEACCESS_TEST_PG="$(bash "$ROOT/deploy/local/postgres.sh" start "$PG_DIR" "$PG_PORT" fast)"; then
  echo "could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1
fi
export EDGEACCESS_TEST_PG
# Databases left by an earlier run on this machine go first.
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'ea\_%'" 2>/dev/null \
  | while read -r db; do psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1; done
trap 'bash "$ROOT/deploy/local/postgres.sh" stop "$PG_DIR" >/dev/null 2>&1 || true' EXIT

# --- 2. Build ------------------------------------------------------------------------------
echo "==> dotnet build (Release)"
if ! dotnet build EdgeAccess.sln -c Release -nologo -v quiet 2>&1 | tail -n 30; then :; fi
if [ ! -f tests/EdgeAccess.Interop/bin/Release/net10.0/EdgeAccess.Interop.dll ]; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
export EDGEACCESS_INTEROP_CMD="dotnet $ROOT/tests/EdgeAccess.Interop/bin/Release/net10.0/EdgeAccess.Interop.dll"

total_passed=0
total_failed=0
add_counts() { # suite passed failed
  printf '    %-18s %s passed, %s failed\n' "$1" "$2" "$3" >> "$RESULTS/summary.txt"
  total_passed=$((total_passed + $2)); total_failed=$((total_failed + $3))
}

# --- 3. .NET suites (xunit; counts from the TRX files) -------------------------------------
echo "==> .NET tests"
# A test project missing from the solution would silently never run: count it as a failure.
for project in tests/*/*.Tests.csproj; do
  if ! grep -qF "$(basename "$project")" EdgeAccess.sln; then
    echo "!! $project is not in EdgeAccess.sln, so it would not run"
    add_counts "${project%%.csproj}" 0 1
  fi
done
dotnet test EdgeAccess.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$RESULTS/dotnet" -- RunConfiguration.TestSessionTimeout=1800000 2>&1 \
  | grep -vE '^\s*$' | tail -n 60
dotnet_counts=$(/usr/bin/python3 - "$RESULTS/dotnet" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
passed = failed = 0
files = glob.glob(sys.argv[1] + "/*.trx")
for f in files:
    c = ET.parse(f).getroot().find(".//{*}Counters")
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
if not files:
    failed = 1  # the suites did not run at all
print(passed, failed)
PY
)
add_counts dotnet ${dotnet_counts% *} ${dotnet_counts#* }

# --- 4. Suites that print "<name>: N passed, N failed" as their last line ------------------
run_suite() { # name script
  local name="$1" script="$2" log="$RESULTS/$1.log" line
  echo "==> $name"
  bash "$script" > "$log" 2>&1
  tail -n 25 "$log"
  line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    add_counts "$name" 0 1   # the suite crashed before reporting: count it as a failure
  else
    read -r p f <<< "$(sed -E 's/^[a-z-]+: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<< "$line")"
    add_counts "$name" "$p" "$f"
  fi
}
run_suite python-interop tests/interop/python/run.sh
run_suite python-standard tests/interop/python/run-standard.sh
run_suite node-interop tests/interop/node/run.sh

echo "==> summary"
cat "$RESULTS/summary.txt"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
