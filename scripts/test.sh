#!/usr/bin/env bash
# Runs the whole test suite. This is the one test command: the README shows it and .ci/run calls it.
# It must work on a bare machine with only the .NET SDK: install here anything the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build OrleansCache.sln -c Release --nologo -v quiet
set +e
dotnet test OrleansCache.sln -c Release --no-build --nologo -- RunConfiguration.TestSessionTimeout=900000 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary over all test projects, e.g. "Tests: 97 passed, 0 failed".
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "Tests: ${passed} passed, ${failed} failed"
exit "$status"
