#!/usr/bin/env bash
# Runs every libFuzzer target of a `fuzz` preset build for SECONDS each (docs/testing.md).
#
#   usage: tests/fuzz/run.sh BUILD_DIR SECONDS
#
# Each target starts from a copy of its seed corpus (tests/fuzz/corpus/TARGET) plus its committed
# crashes, in a scratch directory, so the checked-in corpus only changes when someone commits new
# inputs on purpose. Exits non-zero when any target finds a crash, a leak, a timeout or an
# out-of-memory; the input that did it is kept and its path printed (copy it into
# tests/fuzz/crashes/TARGET/, see the README there).
set -euo pipefail

if [[ $# -ne 2 || ! "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=$2
source_dir=$(cd "$(dirname "$0")" && pwd)
targets=(sequence_loader_fuzzer condition_fuzzer store_reader_fuzzer)
# FUZZ_SEED fixes libFuzzer's random seed so a run can be repeated (CI sets it); unset = random.
seed_option=()
[[ -n "${FUZZ_SEED:-}" ]] && seed_option=("-seed=$FUZZ_SEED")

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tseq-fuzz-XXXXXX")
failed=()
for target in "${targets[@]}"; do
  binary="$build_dir/tests/fuzz/$target"
  if [[ ! -x "$binary" ]]; then
    echo "fuzz: $binary is missing; build with: cmake --preset fuzz && cmake --build --preset fuzz" >&2
    exit 2
  fi
  work="$scratch/$target"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -R "$source_dir/corpus/$target/." "$work/corpus/"
  find "$source_dir/crashes/$target" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$work/corpus/" \;

  # A target may have its own dictionary (TARGET.dict); the YAML targets share fuzz.dict.
  dictionary_option=()
  if [[ -f "$source_dir/$target.dict" ]]; then
    dictionary_option=("-dict=$source_dir/$target.dict")
  elif [[ "$target" != store_reader_fuzzer ]]; then
    dictionary_option=("-dict=$source_dir/fuzz.dict")
  fi
  echo "== $target: ${seconds}s, corpus of $(find "$work/corpus" -type f | wc -l) inputs"
  set +e
  # -fork is not used: one process keeps the output readable and the report names one input.
  # ASan's stack use is what makes deep YAML nesting fail, so the stack limit stays the default.
  (cd "$work" && "$binary" "$work/corpus" \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 "${seed_option[@]}" \
      "${dictionary_option[@]}" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
      >"$work/log" 2>&1)
  status=$?
  set -e
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log" || true
  artifacts=$(find "$work/artifacts" -type f)
  if [[ $status -ne 0 || -n "$artifacts" ]]; then
    failed+=("$target")
    echo "fuzz: $target FAILED (exit $status); the end of its log:" >&2
    tail -n 60 "$work/log" >&2
    for artifact in $artifacts; do
      echo "fuzz: crashing input: $artifact" >&2
    done
    echo "fuzz: full log: $work/log" >&2
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz: failures in: ${failed[*]} (inputs and logs kept under $scratch)" >&2
  exit 1
fi
rm -rf "$scratch"
echo "fuzz: all targets ran ${seconds}s each without a crash"
