#!/usr/bin/env bash
# Fails when any C++ file of the tree differs from what .clang-format (clang-format 14,
# Debian's clang-format package) makes of it. Run by tools/test.sh; fix with
#   clang-format -i $(git ls-files 'src/*.cpp' 'src/*.h' 'include/*.h' 'tests/*.cpp' 'tests/*.h' 'tools/*.cpp' 'tools/*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is not installed (tools/setup.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.h' 'include/*.h' 'tests/*.cpp' 'tests/*.h' 'tools/*.cpp' 'tools/*.h')
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/annulo-format.log; then
  grep -m 20 "error:" /tmp/annulo-format.log >&2 || true
  echo "check-format: the files above are not formatted (.clang-format); run clang-format -i on them" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
