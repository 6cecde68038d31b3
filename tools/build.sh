#!/usr/bin/env bash
# Installs what is missing, then configures and builds Annulo (Release) in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build -j"$(nproc)"
