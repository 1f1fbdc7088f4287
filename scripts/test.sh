#!/usr/bin/env bash
# The test command: installs what the tests need, then builds and runs the default test suite.
# Long tests (tag "slow") are left out; run them with: mvn -B -Pslow test
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
mvn -B -ntp verify "$@"
