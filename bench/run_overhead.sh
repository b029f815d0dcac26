#!/usr/bin/env bash
# Benchmarks the per-step overhead of `tseq run` (SPEC §11; issue 3: under 1 ms per step with
# fsync'd state) on a sequence of no-op steps, against two floors and a peer measured in the same
# run, and writes the section docs/benchmarks/run-overhead.md.
#
#   usage: bench/run_overhead.sh BUILD_DIR        (a Release build; `tseq` is built if needed)
#
# What is timed, each as a whole process, wall clock:
#   - `tseq run` of STEPS SetVariable steps that all set NoOp=1 (the engine's own work per step:
#     save the state with write+fsync+rename+fsync of the folder, write the log, set variables),
#     and `tseq check` of the same file (load, validate, bind), to separate the per-step cost
#     from the fixed one;
#   - the floor: a Python loop that replaces a file of the size of tseq's state.json STEPS times,
#     exactly as tseq does (write a temporary, fsync, rename, fsync the folder);
#   - a trivial shell engine: a bash loop doing the same with printf, sync FILE, mv, sync FOLDER;
#   - the peer: Ansible running as many `set_fact` tasks with `-c local` (it keeps no state on
#     disk between tasks), at BENCH_RUN_PROBE_STEPS when the full size would exceed the budget.
#
# Knobs (environment): BENCH_RUN_STEPS (10000), BENCH_RUN_PROBE_STEPS (500),
# BENCH_RUN_BUDGET_SECONDS (180), BENCH_RUN_RUNS (10, for tseq), BENCH_WORK_DIR (where the scratch
# folder goes; default BUILD_DIR: it must be on a real disk, since on a tmpfs fsync costs
# nothing), BENCH_RUN_OUTPUT (docs/benchmarks/run-overhead.md).
#
# Installs ansible, hyperfine and jq from Debian packages when missing (never done by the tests).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
invocation="bash bench/run_overhead.sh $1"
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
steps=${BENCH_RUN_STEPS:-10000}
probe_steps=${BENCH_RUN_PROBE_STEPS:-500}
budget=${BENCH_RUN_BUDGET_SECONDS:-180}
tseq_runs=${BENCH_RUN_RUNS:-10}
work_parent=${BENCH_WORK_DIR:-$build_dir}
output=${BENCH_RUN_OUTPUT:-$source_dir/docs/benchmarks/run-overhead.md}
tseq=$build_dir/tools/tseq/tseq
generator=$build_dir/bench/tseq_bench_generate

load_average=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== building tseq and the workload generator in $build_dir"
cmake --build "$build_dir" --target tseq tseq_bench_generate >/dev/null
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build_dir/CMakeCache.txt")
[[ "$build_type" == Release ]] || echo "bench: warning: $build_dir is a $build_type build" >&2

source "$source_dir/bench/common.sh"
install_missing ansible-playbook=ansible hyperfine=hyperfine jq=jq
for tool in ansible-playbook hyperfine jq python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

mkdir -p "$work_parent"
work=$(mktemp -d "$work_parent/tseq-run-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"  # no ansible.cfg from the caller's directory
filesystem_type=$(findmnt -no FSTYPE -T "$work" 2>/dev/null || stat -f -c %T "$work")
mount_options=$(findmnt -no OPTIONS -T "$work" 2>/dev/null || echo unknown)
if [[ "$filesystem_type" == tmpfs || "$filesystem_type" == ramfs ]]; then
  echo "bench: warning: $work is on $filesystem_type, where fsync costs nothing" >&2
fi
echo "== generating the workload in $work ($filesystem_type)"
"$generator" --no-op "$work" "$steps" "$probe_steps" >/dev/null
mkdir -p root
export ANSIBLE_HOME=$work/ansible ANSIBLE_LOCAL_TEMP=$work/ansible/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=auto_silent

# The size of the state file tseq replaces before every step, for the floors: a run that stops at
# a restart leaves it behind.
printf '%s\n' "name: Probe" "steps:" \
  "  - { name: Step 1, type: SetVariable, with: { name: NoOp, value: '1' } }" \
  "  - { name: Restart, type: RestartComputer }" >probe.yaml
"$tseq" run probe.yaml --root root --state-dir "$work/probe-state" --log-dir "$work/probe-log" \
  >/dev/null 2>&1 || true
state_size=$(stat -c %s "$work/probe-state/state.json")
rm -rf "$work/probe-state" "$work/probe-log"

cat >floor.py <<'EOF'
# Replaces FOLDER/state.json COUNT times with SIZE bytes, as tseq's atomic write does.
import os
import sys

folder, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
payload = b"x" * size
path = os.path.join(folder, "state.json")
temporary = path + ".tmp"
for _ in range(count):
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(descriptor, payload)
    os.fsync(descriptor)
    os.close(descriptor)
    os.rename(temporary, path)
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(directory)
    os.close(directory)
EOF
cat >floor.sh <<'EOF'
# The same from a shell: `sync FILE` is coreutils' fsync of that file (and of a folder).
folder=$1 count=$2 size=$3
mkdir -p "$folder"
payload=$(head -c "$size" /dev/zero | tr '\0' x)
for ((i = 0; i < count; ++i)); do
  printf '%s' "$payload" >"$folder/state.json.tmp"
  sync "$folder/state.json.tmp"
  mv "$folder/state.json.tmp" "$folder/state.json"
  sync "$folder"
done
EOF

# measure NAME RUNS WARMUP PREPARE COMMAND...: appends "NAME RUNS MEAN STDDEV MIN MAX" (seconds)
# to results.txt and the command to commands.txt. PREPARE runs before every run (no shell).
measure() {
  local name=$1 runs=$2 warmup=$3 prepare=$4
  shift 4
  echo "== $name: $*"
  printf '%s\t%s\n' "$name" "$*" >>"$work/commands.txt"
  hyperfine --shell=none --style=basic --output=pipe --runs "$runs" --warmup "$warmup" \
    --prepare "$prepare" --export-json "$work/$name.json" -- "$*" >&2
  jq -r --arg name "$name" '.results[0] | [$name, (.times | length), .mean, (.stddev // 0),
      .min, .max] | @tsv' "$work/$name.json" >>"$work/results.txt"
}
: >"$work/results.txt"
: >"$work/commands.txt"

big=noop-$steps.yaml
probe=noop-$probe_steps.yaml
clean="rm -rf $work/state $work/log $work/floor"
run_args=(--root "$work/root" --state-dir "$work/state" --log-dir "$work/log")
# Every command must succeed before it is timed.
"$tseq" check "$big" >/dev/null
"$tseq" run "$big" "${run_args[@]}" >/dev/null 2>&1
$clean

measure tseq_check "$tseq_runs" 2 "$clean" "$tseq" check "$big"
measure tseq_run "$tseq_runs" 1 "$clean" "$tseq" run "$big" "${run_args[@]}"
measure tseq_run_probe "$tseq_runs" 1 "$clean" "$tseq" run "$probe" "${run_args[@]}"
measure floor_python 5 1 "$clean" python3 floor.py "$work/floor" "$steps" "$state_size"
measure floor_shell 3 0 "$clean" bash floor.sh "$work/floor" "$steps" "$state_size"
measure ansible_probe 3 1 "$clean" ansible-playbook -c local -i localhost, \
  "noop-playbook-$probe_steps.yml"

value() { awk -v name="$1" -v column="$2" '$1 == name { print $column }' "$work/results.txt"; }
projected=$(awk -v t="$(value ansible_probe 3)" -v n="$steps" -v p="$probe_steps" \
  'BEGIN { printf "%.0f", t * n / p }')
if ((projected <= budget)); then
  measure ansible 1 0 "$clean" ansible-playbook -c local -i localhost, "noop-playbook-$steps.yml"
fi

# Where tseq's time goes, when perf is available and allowed.
profile=""
symbols=""
$clean
if command -v perf >/dev/null 2>&1 &&
  perf record -q -o "$work/perf.data" -- "$tseq" run "$big" "${run_args[@]}" >/dev/null 2>&1; then
  profile=$(perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null |
    awk '/^ +[0-9.]+%/ { printf "| %s | %s |\n", $2, $1 }' | sed -n '1,8p')
  symbols=$(perf report -i "$work/perf.data" --no-children --dsos tseq --sort symbol --stdio \
    2>/dev/null | awk '/^ +[0-9.]+%/ { share = $1; $1 = ""; $2 = ""; sub(/^ +/, "");
      if (length($0) > 90) $0 = substr($0, 1, 87) "...";
      printf "| `%s` | %s |\n", $0, share }' | sed -n '1,6p')
fi
$clean

# ---- the report ----
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t * 1000 }'; }
per_step_ms() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.3f", t * 1000 / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
row() {  # NAME LABEL STEPS
  local mean
  mean=$(value "$1" 3)
  [[ -n "$mean" ]] || return 0
  printf '| %s | `%s` | %s | %s ± %s | %s | %s | %s |\n' "$2" \
    "$(awk -F'\t' -v name="$1" '$1 == name { print $2 }' "$work/commands.txt" |
      sed "s|$work/||g; s|$build_dir|BUILD_DIR|g")" \
    "$(value "$1" 2)" "$(ms "$mean")" "$(ms "$(value "$1" 4)")" "$(ms "$(value "$1" 5)")" \
    "$(ms "$(value "$1" 6)")" "$(per_step_ms "$mean" "$3")"
}
run_step=$(per_step_ms "$(value tseq_run 3)" "$steps")
beyond_load=$(awk -v r="$(value tseq_run 3)" -v c="$(value tseq_check 3)" -v n="$steps" \
  'BEGIN { printf "%.3f", (r - c) * 1000 / n }')
floor_step=$(per_step_ms "$(value floor_python 3)" "$steps")
shell_step=$(per_step_ms "$(value floor_shell 3)" "$steps")
ansible_step=$(per_step_ms "$(value ansible_probe 3)" "$probe_steps")
probe_step=$(per_step_ms "$(value tseq_run_probe 3)" "$probe_steps")
target_met=$(awk -v t="$run_step" 'BEGIN { print (t < 1) ? "**met**" : "**not met**" }')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
memory=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os_name=$(. /etc/os-release && echo "$PRETTY_NAME")
commit=$(source_commit "$source_dir")
compiler=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$build_dir/CMakeCache.txt")
disk=$(findmnt -no SOURCE -T "$work" 2>/dev/null || echo unknown)
ansible_note="timed at $probe_steps tasks: $steps tasks were projected at ${projected} s, over the ${budget} s budget"
[[ -n "$(value ansible 3)" ]] && ansible_note="timed at both sizes"

mkdir -p "$(dirname "$output")"
{
  cat <<EOF
<!-- summary:
- \`tseq run\` of $steps no-op steps with fsync'd state: $run_step ms per step (target < 1 ms: ${target_met//\*/}); $beyond_load ms per step beyond loading
- the durable state replace alone (write, fsync, rename, fsync folder): $floor_step ms; tseq takes $(ratio "$run_step" "$floor_step")× that floor
- a bash loop doing the same: $(ratio "$shell_step" "$run_step")× tseq's time per step; Ansible set_fact at $probe_steps tasks: $(ratio "$ansible_step" "$probe_step")× tseq's
-->
# \`tseq run\` overhead per step

Written by \`bench/run_overhead.sh\`; do not edit by hand. Rerun \`bash bench/run_overhead.sh
BUILD_DIR\` on a Release build to refresh it.

SPEC §11 asks for the overhead of \`tseq run\` per step on a 10,000-step sequence; issue 3 sets the
target: **under 1 ms per step with fsync'd state**. Saving the state before every instruction is
always durable: \`StateStore::Save\` (engine/state_store.cc) writes \`state.json\` through
\`Filesystem::WriteFileAtomically\`, which in the POSIX filesystem writes a temporary file,
fsyncs it, renames it over the old one and fsyncs the folder; there is no setting that skips it.

## Workload

\`tseq_bench_generate --no-op\` (bench/generate_benchmark.cc) writes $steps SetVariable steps
that all set \`NoOp\` to \`1\`, so a run does little but the engine's own work per instruction:
set the built-in variables, save the state ($state_size bytes here), write the log (about 8
records per step, rolling over at 5 MB) and run the step. Each run starts from an empty state and
log folder on the same disk as the state of a real run would be.

Compared in the same run:

- \`tseq check\` of the same file: loading, validating and binding, the fixed cost of a run;
- the **floor**: a Python loop replacing a $state_size-byte file $steps times exactly as tseq does
  (write, fsync, rename, fsync the folder): what the durability alone costs on this disk;
- a **shell engine**: a bash loop doing the same with \`printf\`, \`sync FILE\`, \`mv\` and
  \`sync FOLDER\`, the simplest engine one could script;
- the **peer**: Ansible running as many \`set_fact\` tasks with \`-c local\`, $ansible_note.
  Ansible writes no state to disk between tasks, so it does less than tseq per step.

## Results

- Produced by: \`$invocation\`
- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs ($cpu), $memory RAM, $os_name, kernel $(uname -r)
- Disk of the state: $disk, $filesystem_type ($mount_options)
- tseq: commit $commit, $build_type build, $("$compiler" --version | sed -n '1,1p')
- Peer: $(ansible-playbook --version | sed -n '1,1p')
- Load average when the run started (1, 5, 15 min): $load_average
- Timer: $(hyperfine --version); wall-clock time of the whole process, mean ± standard deviation

| what | command (in the scratch directory) | runs | mean ms | min ms | max ms | ms per step |
|---|---|---|---|---|---|---|
EOF
  row tseq_run "tseq run, $steps steps" "$steps"
  row tseq_check "tseq check, $steps steps" "$steps"
  row tseq_run_probe "tseq run, $probe_steps steps" "$probe_steps"
  row floor_python "floor: Python atomic replace, $steps times" "$steps"
  row floor_shell "shell engine: bash loop, $steps times" "$steps"
  row ansible_probe "Ansible set_fact, $probe_steps tasks" "$probe_steps"
  row ansible "Ansible set_fact, $steps tasks" "$steps"
  cat <<EOF

| comparison | per step | ratio |
|---|---|---|
| \`tseq run\` on $steps steps, whole process | **$run_step ms** | target 1 ms: $target_met |
| \`tseq run\` minus \`tseq check\` (the per-step work alone) | $beyond_load ms | |
| floor: durable state replace alone | $floor_step ms | tseq takes **$(ratio "$run_step" "$floor_step")×** the floor |
| shell engine | $shell_step ms | **$(ratio "$shell_step" "$run_step")×** tseq |
| Ansible \`set_fact\` ($probe_steps tasks) vs \`tseq run\` ($probe_steps steps) | $ansible_step ms vs $probe_step ms | **$(ratio "$ansible_step" "$probe_step")×** tseq |
EOF
  if [[ -n "$profile" ]]; then
    cat <<EOF

### Where the time goes

Where a \`tseq run\` of $steps steps spends its CPU samples (\`perf record\`), by library; the
kernel's share is mostly the fsyncs of the state file and its folder:

| library | share |
|---|---|
$profile
EOF
    if [[ -n "$symbols" ]]; then
      cat <<EOF

The heaviest functions inside the tseq binary:

| function | share of all samples |
|---|---|
$symbols
EOF
    fi
  fi
  cat <<EOF

## Reproducing

On a Release build: \`cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release\`, then
\`bash bench/run_overhead.sh build/release\`. It installs ansible, hyperfine and jq from Debian
packages when they are missing, works in a scratch folder under the build folder that it removes,
and rewrites this file. Knobs: \`BENCH_RUN_STEPS\`,
\`BENCH_RUN_PROBE_STEPS\`, \`BENCH_RUN_BUDGET_SECONDS\`, \`BENCH_RUN_RUNS\`, \`BENCH_WORK_DIR\` (keep
it off tmpfs), \`BENCH_RUN_OUTPUT\`. Timings on a shared machine vary from run to run; the ratios
measured in one run are the comparison to trust.
EOF
} >"$output"
echo "== wrote $output"
cat "$output"
