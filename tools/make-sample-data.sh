#!/usr/bin/env bash
# Regenerates sample_data/ (the bundled phantom study). The options here are the
# ones tests/phantom/SampleDataTest.cpp regenerates and compares against.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf sample_data/xa sample_data/mr sample_data/truth.json
./build/src/annulo-cli make-phantom --seed 1 --frames 40 --noise 0.5 --syntax jpeg-ls -o sample_data
