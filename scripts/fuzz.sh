#!/usr/bin/env bash
# Coverage-guided fuzzing on stable Rust: libFuzzer (from libfuzzer-sys, built with the
# system C++ compiler) and the sanitizer-coverage instrumentation cargo-fuzz asks rustc for,
# passed as stable -C flags. Each target runs FUZZ_SECONDS (default 300) from its seed corpus
# in fuzz/corpus/<target> (kept in the repository, small); what the run discovers goes to
# target/fuzz/corpus/<target>, crashes to target/fuzz/artifacts/<target>/ (the script fails).
# Usage: scripts/fuzz.sh [target ...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${FUZZ_SECONDS:-300}"
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(mrz candidates_csv pack_reader telemetry)
fi
export CARGO_TARGET_DIR="$PWD/target/fuzz/build"
export CARGO_INCREMENTAL=0
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"

# An explicit --target keeps the instrumentation out of build scripts and proc macros.
HOST="$(rustc -vV | sed -n 's/^host: //p')"
(cd fuzz && cargo build --bins --target "$HOST")
failed=0
for t in "${TARGETS[@]}"; do
  found="target/fuzz/corpus/$t"
  artifacts="target/fuzz/artifacts/$t/"
  mkdir -p "$found" "$artifacts" "fuzz/corpus/$t"
  echo "fuzz: $t for ${SECONDS_EACH}s"
  if ! "$CARGO_TARGET_DIR/$HOST/debug/$t" "$found" "fuzz/corpus/$t" \
      -max_total_time="$SECONDS_EACH" -max_len=262144 -rss_limit_mb=2048 -timeout=20 \
      -artifact_prefix="$artifacts" -print_final_stats=1 2>&1 | tail -n 15; then
    echo "fuzz: $t FAILED: see $artifacts" >&2
    failed=1
  fi
done
exit "$failed"
