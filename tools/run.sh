#!/usr/bin/env bash
# README command 1: install, build, and run the main job on the bundled sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
./build/src/annulo-cli info sample_data
./build/src/annulo-cli export-png sample_data/xa/annulogram.dcm --frame 40 -o annulogram-frame40.png
echo "Open annulogram-frame40.png to see frame 40 of the sample annulogram."
