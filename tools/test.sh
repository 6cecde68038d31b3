#!/usr/bin/env bash
# README command 2: install, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
