#!/usr/bin/env bash
# The `plan` benchmark area (bench/run.sh runs it): `tseq check` and `tseq plan` against Ansible on
# the same generated workload (SPEC §11, issue 2), written to docs/benchmarks/plan.md.
#
#   usage: bench/plan.sh BUILD_DIR      (a Release build: cmake -DCMAKE_BUILD_TYPE=Release)
#
# Knobs (environment): BENCH_STEPS (10000), BENCH_PROBE_STEPS (1000: the size at which
# `ansible-playbook --check` is timed when the full size would take longer than
# BENCH_CHECK_BUDGET_SECONDS, 180), BENCH_PLAN_OUTPUT (docs/benchmarks/plan.md).
#
# Installs ansible, hyperfine and jq from Debian packages when missing (never done by the tests).
# Without hyperfine (no root) it falls back to a timing loop with `date +%s%N`.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
invocation="bash bench/plan.sh $1"
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
steps=${BENCH_STEPS:-10000}
probe_steps=${BENCH_PROBE_STEPS:-1000}
check_budget=${BENCH_CHECK_BUDGET_SECONDS:-180}
output=${BENCH_PLAN_OUTPUT:-$source_dir/docs/benchmarks/plan.md}
tseq=$build_dir/tools/tseq/tseq
generator=$build_dir/bench/tseq_bench_generate

load_average=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== building tseq and the workload generator in $build_dir"
cmake --build "$build_dir" --target tseq tseq_bench_generate >/dev/null

source "$source_dir/bench/common.sh"
install_missing ansible-playbook=ansible hyperfine=hyperfine jq=jq
command -v ansible-playbook >/dev/null || { echo "bench: ansible-playbook is required" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq is required" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tseq-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"  # no ansible.cfg from the caller's directory; relative paths are the workload's
echo "== generating the workload in $work"
"$generator" "$work" "$steps" "$probe_steps" >"$work/generated.txt"
cat "$work/generated.txt"
root=$work/root
# Ansible keeps its temporary files and caches in the scratch directory, and stays quiet.
export ANSIBLE_HOME=$work/ansible ANSIBLE_LOCAL_TEMP=$work/ansible/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=auto_silent

# measure NAME RUNS WARMUP COMMAND...: appends "NAME RUNS MEAN STDDEV MIN MAX USER SYSTEM"
# (seconds; USER and SYSTEM are mean CPU times) to results.txt and the exact command to
# commands.txt. Commands must have no shell syntax.
measure() {
  local name=$1 runs=$2 warmup=$3
  shift 3
  echo "== $name: $*"
  printf '%s\t%s\n' "$name" "$*" >>"$work/commands.txt"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --shell=none --style=basic --output=pipe --runs "$runs" --warmup "$warmup" \
      --export-json "$work/$name.json" -- "$*" >&2
    jq -r --arg name "$name" '.results[0] | [$name, (.times | length), .mean,
        (.stddev // 0), .min, .max, .user, .system] | @tsv' "$work/$name.json" \
      >>"$work/results.txt"
    return
  fi
  local run cpu_before cpu_after
  for ((run = 0; run < warmup; ++run)); do "$@" >/dev/null 2>&1; done
  : >"$work/$name.times"
  cpu_before=$(children_cpu)
  for ((run = 0; run < runs; ++run)); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(((end - start) / 1000)) >>"$work/$name.times"
  done
  cpu_after=$(children_cpu)
  awk -v name="$name" -v before="$cpu_before" -v after="$cpu_after" '
    { t = $1 / 1e6; s += t; ss += t * t; if (NR == 1 || t < lo) lo = t; if (t > hi) hi = t }
    END { m = s / NR; v = ss / NR - m * m; if (v < 0) v = 0; split(before, b); split(after, a)
      printf "%s\t%d\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\n", name, NR, m, sqrt(v), lo, hi,
        (a[1] - b[1]) / NR, (a[2] - b[2]) / NR }' "$work/$name.times" >>"$work/results.txt"
}
# "USER SYSTEM": CPU seconds used so far by this shell's finished children (bash `times`).
children_cpu() {
  times | awk 'NR == 2 { for (i = 1; i <= 2; ++i) { split($i, part, /[ms]/)
      printf "%.6f ", part[1] * 60 + part[2] } }'
}
: >"$work/results.txt"
: >"$work/commands.txt"

big_sequence=$work/sequence-$steps.yaml
probe_sequence=$work/sequence-$probe_steps.yaml
big_playbook=$work/playbook-$steps.yml
probe_playbook=$work/playbook-$probe_steps.yml

# Every command must succeed before it is timed (hyperfine would stop on a failure anyway).
"$tseq" check "$big_sequence" >/dev/null
"$tseq" plan "$big_sequence" --root "$root" >"$work/plan-big.txt"

measure tseq_check 20 3 "$tseq" check "$big_sequence"
measure tseq_plan 20 3 "$tseq" plan "$big_sequence" --root "$root"
measure tseq_plan_json 20 3 "$tseq" plan "$big_sequence" --root "$root" --json
measure tseq_plan_probe 20 3 "$tseq" plan "$probe_sequence" --root "$root"
measure ansible_syntax 5 1 ansible-playbook --syntax-check -i localhost, "$big_playbook"
measure ansible_check_probe 3 1 ansible-playbook --check -c local -i localhost, "$probe_playbook"

value() { awk -v name="$1" -v column="$2" '$1 == name { print $column }' "$work/results.txt"; }
projected=$(awk -v t="$(value ansible_check_probe 3)" -v n="$steps" -v p="$probe_steps" \
  'BEGIN { printf "%.0f", t * n / p }')
if ((projected <= check_budget)); then
  measure ansible_check 1 0 ansible-playbook --check -c local -i localhost, "$big_playbook"
fi

# Both tools must make the same decisions on the probe workload, or the comparison is unfair.
"$tseq" plan "$probe_sequence" --root "$root" --json |
  jq -r '.instructions[] | select(.kind == "step") |
         "\(.name) \(if .decision == "run" then "run" else "skip" end)"' >"$work/tseq.decisions"
ansible-playbook --check -c local -i localhost, "$probe_playbook" >"$work/ansible.log" 2>&1
awk '/^TASK \[/ { task = $0; sub(/^TASK \[/, "", task); sub(/\] \**$/, "", task) }
     /^(ok|changed|skipping): / && task ~ /^Step / {
       print task, ($1 == "skipping:" ? "skip" : "run") }' "$work/ansible.log" \
  >"$work/ansible.decisions"
decisions_total=$(wc -l <"$work/tseq.decisions")
decisions_same=$(paste -d'|' "$work/tseq.decisions" "$work/ansible.decisions" |
  awk -F'|' '$1 == $2' | wc -l)
tseq_runs=$(grep -c ' run$' "$work/tseq.decisions" || true)

# Where tseq's time goes, by library and by function, when perf is available and allowed.
profile=""
functions=""
if command -v perf >/dev/null 2>&1 &&
  perf record -q -F 4999 -o "$work/perf.data" -- "$tseq" plan "$big_sequence" --root "$root" \
    >/dev/null 2>&1; then
  profile=$(perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null |
    awk '/^ +[0-9.]+%/ { printf "| %s | %s |\n", $2, $1 }' | sed -n '1,8p')
  functions=$(perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio \
    2>/dev/null | awk '/^ +[0-9.]+%/ { share = $1; library = $2; $1 = $2 = $3 = ""
      sub(/^ +/, ""); sub(/ +$/, ""); gsub(/\|/, "\\|"); printf "| `%s` | %s | %s |\n", $0, library, share }' |
    sed -n '1,12p')
fi

# ---- the report ----
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
per_step_us() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t * 1e6 / n }'; }
cpu_ms() { awk -v u="$(value "$1" 7)" -v s="$(value "$1" 8)" 'BEGIN { printf "%.1f", (u + s) * 1000 }'; }
row() {  # NAME LABEL STEPS
  local mean stddev
  mean=$(value "$1" 3)
  [[ -n "$mean" ]] || return 0
  stddev=$(value "$1" 4)
  printf '| %s | `%s` | %s | %s ± %s | %s | %s | %s | %s |\n' "$2" \
    "$(awk -F'\t' -v name="$1" '$1 == name { print $2 }' "$work/commands.txt" |
      sed "s|$work/||g; s|$build_dir|BUILD_DIR|g")" \
    "$(value "$1" 2)" "$(ms "$mean")" "$(ms "$stddev")" "$(ms "$(value "$1" 5)")" \
    "$(ms "$(value "$1" 6)")" "$(cpu_ms "$1")" "$(per_step_us "$mean" "$3")"
}
plan_ms=$(ms "$(value tseq_plan 3)")
plan_min_ms=$(ms "$(value tseq_plan 5)")
plan_cpu_ms=$(cpu_ms tseq_plan)
target_met=$(awk -v t="$plan_ms" 'BEGIN { print (t < 200) ? "met" : "not met" }')
syntax_ratio=$(ratio "$(value ansible_syntax 3)" "$(value tseq_check 3)")
dry_run_ratio=$(ratio "$(awk -v t="$(value ansible_check_probe 3)" -v p="$probe_steps" \
  'BEGIN { print t / p }')" "$(awk -v t="$(value tseq_plan 3)" -v n="$steps" 'BEGIN { print t / n }')")
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
memory=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os_name=$(. /etc/os-release && echo "$PRETTY_NAME")
commit=$(source_commit "$source_dir")
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build_dir/CMakeCache.txt")
compiler=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$build_dir/CMakeCache.txt")
compiler_version=$("$compiler" --version | sed -n '1,1p')
groups=$(awk -F', ' 'NR == 1 { print $2 }' "$work/generated.txt")
ansible_python=$(ansible-playbook --version | awk -F'= ' '/python version/ { split($2, v, " "); print v[1] }')
timer=$(command -v hyperfine >/dev/null 2>&1 && hyperfine --version || echo "date +%s%N loop")
check_note="timed on the $probe_steps-task playbook: the $steps-task run was projected at ${projected} s, over the ${check_budget} s budget"
if [[ -n "$(value ansible_check 3)" ]]; then
  check_note="timed on both sizes"
fi

mkdir -p "$(dirname "$output")"
{
  cat <<EOF
<!-- summary:
- \`tseq plan\`, $steps steps: $plan_ms ms wall-clock (fastest $plan_min_ms ms), $plan_cpu_ms ms CPU (target under 200 ms: $target_met)
- load and validate $steps steps, \`ansible-playbook --syntax-check\` vs \`tseq check\`: ${syntax_ratio}× the time
- dry run per step, \`ansible-playbook --check\` ($probe_steps tasks) vs \`tseq plan\` ($steps steps): ${dry_run_ratio}× the time
-->
# Plan benchmark (\`tseq check\`, \`tseq plan\`)

Written by \`bench/plan.sh\` (run by \`bench/run.sh\`); do not edit by hand. Rerun \`make bench\`
or \`bash bench/run.sh BUILD_DIR plan\` to refresh it.

SPEC §11 asks for \`tseq plan\` overhead per step on a 10,000-step sequence, measured side by side
with a peer on the same data and reported as ratios. The peer is Ansible: \`tseq check\` is
compared with \`ansible-playbook --syntax-check\` (load and validate, nothing evaluated), and
\`tseq plan\` with \`ansible-playbook --check -c local\` (every condition evaluated, nothing
changed). The target from issue 2 is **\`tseq plan\` under 200 ms for 10,000 steps**.

## Workload

\`tseq_bench_generate\` (bench/generate_benchmark.cc) writes, deterministically:

- \`sequence-N.yaml\`: N steps in groups nested three deep (phases of 500 steps, stages of 100,
  blocks of 20; $groups for N = $steps). About 55 % of the steps have a condition: mostly
  variable leaves with every operator (on variables that earlier SetVariable steps change),
  \`all\`/\`any\`/\`none\` combinations, and file, folder, os and package leaves read from a
  generated machine root (\`--root\`). A quarter of the groups have one, mostly on facts that
  hold on that machine (so most steps are reached), one in five arbitrary. Steps are
  SetVariable (38 %) and RunCommandLine (some with an output variable, a secret in the command
  line, a timeout and retries), a restart every 2,500 steps, 4 % disabled steps and 2 % disabled
  blocks. No \`command:\` leaves, so nothing is started while planning.
- \`playbook-N.yml\`: the same tree for Ansible: one task per step (\`set_fact\` for SetVariable,
  \`debug\` otherwise), one \`block\` per group, the same conditions as \`when:\` expressions
  (file and folder leaves with the \`file\`/\`directory\` tests on the same machine root, package
  leaves on the same dpkg database, the os leaf on gathered facts), disabled steps as
  \`when: false\`.

Check that the comparison is fair: on the $probe_steps-step workload, \`tseq plan\` and
\`ansible-playbook --check\` make the same run/skip decision for **$decisions_same of
$decisions_total** steps ($tseq_runs run).

## Results

- Produced by: \`$invocation\`
- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs ($cpu), $memory RAM, $os_name, kernel $(uname -r)
- tseq: commit $commit, $build_type build, $compiler_version
- Peer: $(ansible-playbook --version | sed -n '1,1p'), Python $ansible_python
- Load average when the run started (1, 5, 15 min): $load_average
- Timer: $timer; times are wall-clock, mean ± standard deviation over the runs shown; CPU is
  user + system time per run (tseq parses a large file on two threads, so its CPU time can
  exceed its wall-clock time)

| what | command (in the scratch directory) | runs | mean ms | min ms | max ms | CPU ms | µs per step |
|---|---|---|---|---|---|---|---|
EOF
  row tseq_check "tseq check, $steps steps" "$steps"
  row tseq_plan "tseq plan (text), $steps steps" "$steps"
  row tseq_plan_json "tseq plan --json, $steps steps" "$steps"
  row tseq_plan_probe "tseq plan (text), $probe_steps steps" "$probe_steps"
  row ansible_syntax "ansible --syntax-check, $steps tasks" "$steps"
  row ansible_check_probe "ansible --check, $probe_steps tasks" "$probe_steps"
  row ansible_check "ansible --check, $steps tasks" "$steps"
  cat <<EOF

Ratios (how many times longer Ansible takes):

| comparison | Ansible | tseq | ratio |
|---|---|---|---|
| load and validate $steps steps: \`--syntax-check\` vs \`tseq check\` | $(ms "$(value ansible_syntax 3)") ms | $(ms "$(value tseq_check 3)") ms | **${syntax_ratio}×** |
| $steps steps: \`--syntax-check\` vs a whole \`tseq plan\` | $(ms "$(value ansible_syntax 3)") ms | $(ms "$(value tseq_plan 3)") ms | **$(ratio "$(value ansible_syntax 3)" "$(value tseq_plan 3)")×** |
| dry run per step, $probe_steps steps each: \`--check\` vs \`tseq plan\` | $(per_step_us "$(value ansible_check_probe 3)" "$probe_steps") µs | $(per_step_us "$(value tseq_plan_probe 3)" "$probe_steps") µs | **$(ratio "$(value ansible_check_probe 3)" "$(value tseq_plan_probe 3)")×** |
| dry run per step: \`--check\` at $probe_steps tasks vs \`tseq plan\` at $steps steps | $(per_step_us "$(value ansible_check_probe 3)" "$probe_steps") µs | $(per_step_us "$(value tseq_plan 3)" "$steps") µs | **${dry_run_ratio}×** |

\`ansible-playbook --check\` was $check_note.

Target: \`tseq plan\` on $steps steps took **$plan_ms ms** on average (fastest run
$plan_min_ms ms, $plan_cpu_ms ms of CPU) against the 200 ms target: **$target_met**. Timings
include process start-up and reading the file, as an administrator sees them.
EOF
  if [[ -n "$profile" ]]; then
    cat <<EOF

Where \`tseq plan\` spends its time on $steps steps (\`perf record\` of one run, share of CPU
samples; both threads count):

| library | share |
|---|---|
$profile

| function (self time) | library | share |
|---|---|---|
$functions
EOF
  fi
  cat <<EOF

## Reproducing

\`make bench\` builds the \`release\` preset and runs every benchmark area; \`bash bench/run.sh
build/release plan\` runs only this one and reassembles docs/benchmarks.md. It installs ansible,
hyperfine and jq from Debian packages when they are missing (the tests never do), works in a
scratch directory it removes, and rewrites this file. Environment knobs: \`BENCH_STEPS\`,
\`BENCH_PROBE_STEPS\`, \`BENCH_CHECK_BUDGET_SECONDS\`, \`BENCH_PLAN_OUTPUT\` (see the script).
EOF
} >"$output"
echo "== wrote $output"
