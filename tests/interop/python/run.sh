#!/usr/bin/env bash
# Runs the Python interop matrix (test_interop.py) with Debian's Python, which has grpcio.
# The program under test is named by EDGEACCESS_INTEROP_CMD, e.g.
#   EDGEACCESS_INTEROP_CMD="dotnet /path/EdgeAccess.Interop.dll" tests/interop/python/run.sh
# Extra arguments go to the driver (e.g. -k ping_pong). The last line printed is
# "python-interop: N passed, N failed"; the exit status is the driver's.
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
exec /usr/bin/python3 -B "$here/test_interop.py" "$@"
