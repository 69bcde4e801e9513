#!/usr/bin/env bash
# Runs the whole test suite. This is the one test command: the README shows it and .ci/run calls it.
# It must work on a bare machine with only the .NET SDK: install here anything the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Redis tests start their own redis-server on a free loopback port and drive foreign clients: redis-cli,
# Python with Debian's python3-redis, and Node with ioredis. Install what is missing.
if ! command -v redis-server >/dev/null 2>&1 || ! /usr/bin/python3 -c "import redis" >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing redis-server, redis-tools and python3-redis (the Redis tests need them)..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools python3-redis >/dev/null
    # The package starts a system instance on 6379; the tests use their own, so stop it.
    (service redis-server stop || pkill -x redis-server || true) >/dev/null 2>&1
  else
    echo "redis-server or python3-redis is missing: install them (apt-get install redis-server python3-redis) and run again." >&2
    exit 1
  fi
fi

# The dashboard tests drive Debian's Chromium headless (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium (the dashboard tests need it)..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install it (apt-get install chromium) and run again." >&2
    exit 1
  fi
fi

interop=tests/OrleansCache.Redis.Tests/Interop
if [ ! -d "$interop/node_modules/ioredis" ]; then
  echo "Installing ioredis for the Node interop test..."
  (cd "$interop" && npm install --no-audit --no-fund --no-package-lock --silent)
fi

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
