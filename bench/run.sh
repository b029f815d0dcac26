#!/usr/bin/env bash
# Runs benchmark areas and assembles docs/benchmarks.md from their sections. `make bench` runs
# every area on the release build.
#
#   usage: bench/run.sh BUILD_DIR [AREA... | --assemble]
#
# An area is a script bench/NAME.sh other than this one and common.sh (its area is NAME with
# dashes for underscores: bench/run_overhead.sh is the area `run-overhead`). It takes BUILD_DIR as
# its only argument and writes docs/benchmarks/AREA.md, which starts with its headline numbers:
#
#   <!-- summary:
#   - what is compared: the result
#   -->
#   # The section's title
#
# Without AREA, every area runs; with --assemble, none does. docs/benchmarks.md is then rewritten
# from every section present, so areas not run keep their last section. Exits non-zero when an
# area failed (after assembling the others).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [AREA...]" >&2
  exit 2
fi
build_argument=$1
shift
[[ -d $build_argument ]] || { echo "bench: no build directory $build_argument" >&2; exit 2; }
source_dir=$(cd "$(dirname "$0")/.." && pwd)
sections_dir=$source_dir/docs/benchmarks
output=$source_dir/docs/benchmarks.md

available=()
for script in "$source_dir"/bench/*.sh; do
  name=$(basename "$script" .sh)
  [[ $name == run || $name == common ]] && continue  # the driver and its helpers
  available+=("${name//_/-}")
done

areas=()
if [[ ${1:-} == --assemble ]]; then
  :  # only rewrite docs/benchmarks.md from the sections present
elif [[ $# -eq 0 ]]; then
  areas=("${available[@]}")
else
  for requested in "$@"; do
    area=${requested//_/-}
    if [[ " ${available[*]} " != *" $area "* ]]; then
      echo "bench: unknown area '$requested' (areas: ${available[*]})" >&2
      exit 2
    fi
    areas+=("$area")
  done
fi

failed=()
for area in "${areas[@]}"; do
  echo "==== benchmark area $area: bench/${area//-/_}.sh"
  if ! bash "$source_dir/bench/${area//-/_}.sh" "$build_argument"; then
    echo "bench: area $area failed" >&2
    failed+=("$area")
  fi
done

# ---- docs/benchmarks.md ----
# summary_rows FILE LINK: one table row per summary line, split at the first ": " outside code
# spans into what is compared and the result; `|` escaped for the table.
summary_rows() {
  awk -v link="$2" '
    /^<!-- summary:/ { inside = 1; next }
    inside && /^-->/ { exit }
    inside && /^- / {
      line = substr($0, 3); code = 0; cut = 0
      for (i = 1; i < length(line); ++i) {
        c = substr(line, i, 1)
        if (c == "`") code = !code
        else if (!code && substr(line, i, 2) == ": ") { cut = i; break }
      }
      what = cut ? substr(line, 1, cut - 1) : line
      result = cut ? substr(line, cut + 2) : ""
      gsub(/\|/, "\\|", what); gsub(/\|/, "\\|", result)
      printf "| %s | %s | %s |\n", (rows++ == 0 ? link : ""), what, result
    }' "$1"
}
title() { awk '/^# / { sub(/^# /, ""); print; exit }' "$1"; }
run_date() { awk '/^- Date: / { sub(/^- Date: /, ""); print; exit }' "$1"; }

sections=()
for section in "$sections_dir"/*.md; do
  [[ -e $section ]] && sections+=("$section")
done
{
  cat <<'EOF'
# Benchmarks

Written by `bench/run.sh` from the sections in [benchmarks/](benchmarks/); do not edit by hand.

tseq measured side by side with peers on the same data, reported as ratios (SPEC §11). Each
benchmark area has its own section with the workload, the machine, every timing and how to
reproduce it; this page collects their headline numbers.

Benchmarks are not tests: timings on a shared machine are too noisy to gate a build on, so
neither CTest nor CI runs them. Run them on a Release build: `make bench` builds the `release`
preset and runs every area (`make bench BENCH_AREAS=plan` runs one), or
`bash bench/run.sh BUILD_DIR [AREA...]`. They install the peers they compare with (ansible, zstd,
...) from Debian packages when missing. Adding an area: see
[testing.md](testing.md#benchmarks).

## Summary

| section | what is compared | result |
|---|---|---|
EOF
  for section in "${sections[@]}"; do
    summary_rows "$section" "[$(title "$section")](benchmarks/$(basename "$section"))"
  done
  cat <<'EOF'

## Sections

EOF
  for section in "${sections[@]}"; do
    name=$(basename "$section" .md)
    date=$(run_date "$section")
    printf -- '- [%s](benchmarks/%s): `bench/%s.sh`%s\n' "$(title "$section")" \
      "$(basename "$section")" "${name//-/_}" "${date:+, last run $date}"
  done
} >"$output"
echo "== wrote $output"

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "bench: failed areas: ${failed[*]}" >&2
  exit 1
fi
