#!/usr/bin/env bash
# Sets up and runs the whole test suite (unit + integration + browser), as CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"
