#!/usr/bin/env bash
# Health checking and server reflection of the program under test, driven by Debian's grpcio.
# Last line: "python-standard: N passed, N failed".
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec /usr/bin/python3 -B "$HERE/test_standard_services.py" "$@"
