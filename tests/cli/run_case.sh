#!/usr/bin/env bash
# Runs one golden CLI case (zstd-style): tests/cli/cases/NAME/ holds
#   command          the arguments, one line, e.g. "check bad.yaml" (the program is PROGRAM)
#   stdout, stderr   the exact expected output (missing = must be empty)
#   exit             the expected exit code (missing = 0)
# and any input files. The case folder is copied to a scratch directory, the command runs there
# (so file names in messages are relative), and "@ROOT@" in the command and expectations stands
# for that scratch directory.
#
# usage: run_case.sh PROGRAM CASE_DIR [--update]   (--update rewrites the expectations)
set -euo pipefail
program=$(realpath "$1")
case_dir=$(cd "$2" && pwd)
update=${3:-}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tseq-cli-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -a "$case_dir/." "$scratch/"
cd "$scratch"

read -r -a arguments < <(sed "s|@ROOT@|$scratch|g" command)
set +e
"$program" "${arguments[@]}" >actual.stdout 2>actual.stderr
actual_exit=$?
set -e

normalize() { sed "s|$scratch|@ROOT@|g" "$1"; }

if [[ "$update" == "--update" ]]; then
  normalize actual.stdout >"$case_dir/stdout"
  normalize actual.stderr >"$case_dir/stderr"
  echo "$actual_exit" >"$case_dir/exit"
  [[ -s "$case_dir/stdout" ]] || rm -f "$case_dir/stdout"
  [[ -s "$case_dir/stderr" ]] || rm -f "$case_dir/stderr"
  [[ "$actual_exit" != 0 ]] || rm -f "$case_dir/exit"
  echo "updated $case_dir"
  exit 0
fi

failed=0
expected_exit=0
[[ -f exit ]] && expected_exit=$(cat exit)
if [[ "$actual_exit" != "$expected_exit" ]]; then
  echo "exit code: expected $expected_exit, got $actual_exit"
  failed=1
fi
for stream in stdout stderr; do
  expected=/dev/null
  [[ -f "$stream" ]] && expected=$stream
  if ! diff -u "$expected" <(normalize "actual.$stream") >"diff.$stream"; then
    echo "$stream differs (expected vs actual):"
    cat "diff.$stream"
    failed=1
  fi
done
exit $failed
