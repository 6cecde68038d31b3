#!/usr/bin/env bash
# Installs the test-only peer readers (tests/interop/package-lock.json) with
# `npm ci` when node_modules is missing or was made from another lock file.
# Called by the interop tests; serialised with flock so parallel tests share
# one install. Fails loudly (exit 1, npm's message) when npm or the registry
# cannot be reached: the interop tests must not pass without their peers.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "ensure-peers: node not found (tools/setup.sh installs nodejs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "ensure-peers: npm not found (tools/setup.sh installs npm)" >&2; exit 1; }
exec 9>.peers.lock
flock 9
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.annulo-lock-sha256 ] && [ "$(cat node_modules/.annulo-lock-sha256)" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" > node_modules/.annulo-lock-sha256
