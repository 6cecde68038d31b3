#!/usr/bin/env bash
# README command 2: install, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# In CI nothing may be skipped for lack of a tool, sample, xvfb or Orthanc:
# tools/setup.sh installs them all, so a skip there is a failure naming what is missing.
if [ "${CI:-}" = true ]; then export ANNULO_REQUIRE_ALL=1; fi
bash tools/build.sh
bash tools/check-format.sh  # the tree stays as .clang-format formats it
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
