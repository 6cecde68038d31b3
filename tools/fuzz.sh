#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with libFuzzer (clang from Debian):
#   tools/fuzz.sh TARGET SECONDS [extra libFuzzer flags]
# TARGET: file | folder | sr | session | labelmap | deid (tests/fuzz/FuzzTargets.cpp).
# Builds build-fuzz/ with -fsanitize=fuzzer,address,undefined (the core too,
# so coverage and sanitizers see our code), seeds the corpus from
# tests/data/fuzz/TARGET/, sample_data and ../shared/dicom-samples (small files
# only), runs for SECONDS with a 5 s hang limit, and prints executions, edges
# covered and findings. Crashing, hanging or leaking inputs land in
# build-fuzz/findings/TARGET/; each fixed one belongs in tests/data/fuzz/TARGET/
# (the normal test build replays that folder: FuzzRegression.*).
# Not for CI: run it on a development machine, `nice`d.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${1:?usage: tools/fuzz.sh TARGET SECONDS [libFuzzer flags]}
SECONDS_TO_RUN=${2:?usage: tools/fuzz.sh TARGET SECONDS [libFuzzer flags]}
shift 2
case "$TARGET" in
  file|folder|sr|deid) DICT=tools/fuzz/dicom.dict ;;
  session) DICT=tools/fuzz/json.dict ;;
  labelmap) DICT=tools/fuzz/nrrd.dict ;;
  *) echo "fuzz.sh: unknown target '$TARGET' (file, folder, sr, session, labelmap, deid)" >&2; exit 2 ;;
esac

bash tools/setup.sh
if ! command -v clang++ >/dev/null; then
  # Only the fuzz build needs clang (libFuzzer ships with it); not part of setup.sh.
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang
fi

BUILD=${ANNULO_FUZZ_BUILD:-build-fuzz}
LAUNCH=()
if command -v ccache >/dev/null; then LAUNCH=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DANNULO_FUZZ=ON -DANNULO_SANITIZE=fuzzer-no-link,address,undefined \
    -DANNULO_BUILD_TESTS=OFF -DANNULO_BUILD_GUI=OFF -DANNULO_BUILD_BENCHMARKS=OFF "${LAUNCH[@]}" >/dev/null
fi
cmake --build "$BUILD" --target "annulo-fuzz-$TARGET"

# Seeds: the regression inputs, plus small real files (never copied into the repo).
SEEDS="$BUILD/seeds/$TARGET"
CORPUS="$BUILD/corpus/$TARGET"
FINDINGS="$BUILD/findings/$TARGET"
mkdir -p "$SEEDS" "$CORPUS" "$FINDINGS"
cp -f tests/data/fuzz/"$TARGET"/* "$SEEDS"/ 2>/dev/null || true
SAMPLES="$ROOT/../shared/dicom-samples"
small_dicom() {  # DICOM files under $1 up to $2 bytes
  [ -d "$1" ] || return 0
  find "$1" -type f -size -"$2"c ! -name '*.tsv' ! -name '*.md' ! -name '*.json' ! -name '*.txt' -print0
}
case "$TARGET" in
  file|deid)
    small_dicom "$SAMPLES" 32768 | xargs -0 -r -I{} sh -c 'cp -f "{}" "$0/$(echo "{}" | md5sum | cut -c1-12).dcm"' "$SEEDS"
    ;;
  sr)
    # SR, SEG and presentation states up to 64 KiB (MANIFEST.tsv: path, ..., sop_class (5), ..., size (8)).
    awk -F'\t' 'NR > 1 && $8 < 65536 && $5 ~ /SR|Report|Segmentation|Presentation/ {print $1}' "$SAMPLES/MANIFEST.tsv" 2>/dev/null |
      while read -r f; do
        [ -f "$SAMPLES/$f" ] && cp -f "$SAMPLES/$f" "$SEEDS/$(echo "$f" | md5sum | cut -c1-12).dcm"
      done
    ;;
  session)
    find sample_data -name '*.json' -size -16k -exec cp -f {} "$SEEDS"/ \; 2>/dev/null || true
    ;;
esac

# Leaks are checked at exit of every input (ASan's LeakSanitizer);
# -timeout=5: an input taking > 5 s is a hang.
MAXLEN=65536
[ "$TARGET" = folder ] && MAXLEN=131072
LOG="$BUILD/fuzz-$TARGET.log"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:suppressions=$ROOT/tests/sanitizer/asan.supp"
export LSAN_OPTIONS="fast_unwind_on_malloc=0:suppressions=$ROOT/tests/sanitizer/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/tests/sanitizer/ubsan.supp"
status=0
nice -n 10 "$BUILD/tests/fuzz/annulo-fuzz-$TARGET" "$CORPUS" "$SEEDS" \
  -dict="$DICT" -max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2560 -malloc_limit_mb=2048 \
  -max_len=$MAXLEN -artifact_prefix="$FINDINGS/" -print_final_stats=1 "$@" 2>&1 | tee "$LOG" |
  grep -E '^#[0-9]+.*(INITED|DONE)|^#[0-9]+:|ERROR|SUMMARY|stat::|Done ' | tail -n 40 || status=$?
# Fork mode (-fork=N -ignore_crashes=1, to keep going past a finding) logs "#N: cov: E ...".
echo "fuzz.sh $TARGET: executions $(grep -Eo '^#[0-9]+' "$LOG" | tail -1 | tr -d '#'), \
edges $(grep -Eo 'cov: [0-9]+' "$LOG" | tail -1 | cut -d' ' -f2), \
findings $(find "$FINDINGS" -type f | wc -l) (in $FINDINGS), log $LOG"
exit $status
