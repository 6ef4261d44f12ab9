#!/usr/bin/env bash
# Node.js interop suite for EdgeAccess: grpc-js (h2c) both directions, gRPC-web from Node
# (connect-web) and from headless Chromium.
#
#   EDGEACCESS_INTEROP_CMD="dotnet /path/EdgeAccess.Interop.dll" tests/interop/node/run.sh [test files...]
#
# Steps: npm ci (only when node_modules is missing or stale) -> protobuf-es codegen into gen/ ->
# vite bundle of web/ into dist/ -> node --test (TAP). The last line printed is always
#   node-interop: N passed, N failed
# and the exit status is non-zero when anything failed. Generated output (gen/, dist/,
# artifacts/) is git-ignored; the TAP log is kept in artifacts/node-test.tap.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
HERE="$PWD"
PROTO_DIR="$HERE/../../EdgeAccess.Interop/Protos"
ARTIFACTS="$HERE/artifacts"
TAP_LOG="$ARTIFACTS/node-test.tap"

summary() { echo "node-interop: $1 passed, $2 failed"; }

# A setup step failed: report it as one failure, keeping the summary line contract.
setup_failed() {
  echo "run.sh: setup failed: $1" >&2
  summary 0 1
  exit 1
}

# --- dependencies: npm ci when node_modules is missing or was installed from another lockfile ---
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.edgeaccess-lock.sha256"
if [[ ! -d node_modules || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "run.sh: installing npm dependencies (npm ci)" >&2
  # No install scripts are needed by any dependency.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 || setup_failed "npm ci"
  echo "$lock_hash" > "$stamp"
fi

export PATH="$HERE/node_modules/.bin:$PATH"

# --- code generation (protobuf-es descriptors for connect-web) into gen/ ---
# The buf CLI comes from its per-platform npm package, declared directly as optional
# dependencies: the @bufbuild/buf wrapper package cannot be locked against the package mirror
# used here, which lacks the darwin/win32/armv7 binaries the wrapper lists.
case "$(uname -m)" in
  x86_64 | amd64) buf_pkg=buf-linux-x64 ;;
  aarch64 | arm64) buf_pkg=buf-linux-aarch64 ;;
  *) buf_pkg=unsupported ;;
esac
BUF="$HERE/node_modules/@bufbuild/$buf_pkg/bin/buf"
[[ "$(uname -s)" == Linux && -x "$BUF" ]] || setup_failed "no buf binary for $(uname -s)/$(uname -m) (expected $BUF)"
[[ -d "$PROTO_DIR/grpc/testing" ]] || setup_failed "proto contract not found at $PROTO_DIR"
"$BUF" generate "$PROTO_DIR" --template buf.gen.yaml >&2 || setup_failed "buf generate"

# --- browser bundle ---
vite build --logLevel warn >&2 || setup_failed "vite build"

# --- tests ---
mkdir -p "$ARTIFACTS"
if (($# > 0)); then
  tests=("$@")
else
  tests=(test/interop.test.mjs test/grpcweb.test.mjs test/browser.test.mjs)
fi

status=0
node --test --test-reporter=tap "${tests[@]}" 2>&1 | tee "$TAP_LOG" || status=$?

# Counts from the TAP summary that node's test runner prints at the end.
count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$TAP_LOG" | tail -n 1; }
passed="$(count pass)"
failed="$(count fail)"
cancelled="$(count cancelled)"
todo="$(count todo)"
if [[ -z "$passed" || -z "$failed" ]]; then
  echo "run.sh: no TAP summary from node --test (exit $status)" >&2
  summary "${passed:-0}" "$(( ${failed:-0} + 1 ))"
  exit 1
fi
failed=$(( failed + ${cancelled:-0} ))
if (( status != 0 && failed == 0 )); then
  echo "run.sh: node --test exited with $status but reported no failing test" >&2
  failed=1
fi
if (( ${todo:-0} > 0 )); then
  echo "node-interop: ${todo} todo (known peer limitations, not counted; see '# TODO' lines above)"
fi
summary "$passed" "$failed"
(( failed == 0 ))
