# Shell helpers shared by the benchmark areas (bench/AREA.sh); sourced, never run.

# install_missing COMMAND=PACKAGE...: installs, from Debian's archive, the package of each command
# that is missing (a COMMAND starting with / is a file that must be executable). Needs root or
# sudo; without either it says what it could not install and returns, so the caller's own checks
# name what is required. Never called by the tests.
install_missing() {
  local missing=() pair command package
  for pair in "$@"; do
    command=${pair%%=*}
    package=${pair#*=}
    if [[ $command == /* ]]; then
      [[ -x $command ]] || missing+=("$package")
    else
      command -v "$command" >/dev/null 2>&1 || missing+=("$package")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo_command=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "bench: cannot install ${missing[*]} without root" >&2
      return 0
    fi
    sudo_command=(sudo)
  fi
  echo "== installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_command[@]}" apt-get update -qq
  "${sudo_command[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# measure_rounds ROUNDS WARMUP NAME SETUP COMMAND [NAME SETUP COMMAND ...]: runs each bash command
# line (pipes allowed; it must succeed) once per round, in turn, after WARMUP untimed rounds, so
# that load from other work on the machine falls on all of them alike; SETUP, a bash command line
# too, runs untimed before each run, followed by a sync. Appends "NAME RUNS MEDIAN MEAN STDDEV
# MIN MAX" (seconds) to $work/results.txt, the command to $work/commands.txt, and each timed
# run's stdout to $work/NAME.out.
measure_rounds() {
  local rounds=$1 warmup=$2 round index start
  shift 2
  local names=() setups=() commands=()
  while (($# > 0)); do
    names+=("$1")
    setups+=("$2")
    commands+=("$3")
    printf '%s\t%s\n' "$1" "$3" >>"$work/commands.txt"
    : >"$work/$1.times"
    : >"$work/$1.out"
    shift 3
  done
  echo "== timing ${names[*]}: $warmup + $rounds interleaved rounds"
  for ((round = -warmup; round < rounds; ++round)); do
    for index in "${!names[@]}"; do
      bash -o pipefail -c "${setups[index]}" >/dev/null
      # No run pays for the writeback of the one before it (or of other work on the machine).
      sync
      start=$EPOCHREALTIME
      bash -o pipefail -c "${commands[index]}" >"$work/run.out"
      if ((round >= 0)); then
        awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f\n", b - a }' \
          >>"$work/${names[index]}.times"
        cat "$work/run.out" >>"$work/${names[index]}.out"
      fi
    done
  done
  for index in "${!names[@]}"; do
    sort -g "$work/${names[index]}.times" | awk -v name="${names[index]}" '{ t[NR] = $1;
        s += $1; ss += $1 * $1 } END { m = s / NR; v = ss / NR - m * m; if (v < 0) v = 0;
        median = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
        printf "%s\t%d\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\n", name, NR, median, m, sqrt(v), t[1],
          t[NR] }' >>"$work/results.txt"
  done
}

# profile_command COMMAND SYMBOL_ROWS: `perf record` of one run of the bash command line, when perf
# is there and allowed; sets profile_dso, profile_threads and profile_symbols to markdown table
# rows (share of samples by library, by thread, and the SYMBOL_ROWS busiest named symbols), or to
# "" without perf.
profile_command() {
  profile_dso="" profile_threads="" profile_symbols=""
  command -v perf >/dev/null 2>&1 || return 0
  perf record -q -F 499 -o "$work/perf.data" -- bash -c "$1" >/dev/null 2>&1 || return 0
  report() { perf report -i "$work/perf.data" --no-children --sort "$1" --stdio 2>/dev/null; }
  profile_dso=$(report dso | awk '/^ +[0-9.]+%/ && n++ < 8 { printf "| %s | %s |\n", $2, $1 }')
  profile_threads=$(report pid | awk '/^ +[0-9.]+%/ && n++ < 6 { printf "| %s | %s |\n", $2, $1 }')
  # libcrypto and libzstd have no symbols without their -dbgsym packages: only named ones here.
  profile_symbols=$(report dso,symbol | awk -v rows="$2" '/^ +[0-9.]+%/ && $4 !~ /^0x/ &&
      n++ < rows { printf "| `%s` | %s | %s |\n", $4, $2, $1 }')
}

# Reading results.txt (see measure_rounds) and formatting numbers for the reports.
value() { awk -v name="$1" -v column="$2" '$1 == name { print $column }' "$work/results.txt"; }
median() { value "$1" 3; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
faster() { ratio "$(median "$2")" "$(median "$1")"; }  # how many times faster $1 is than $2
field() { awk -v column="$2" '{ print $column }' "$work/usage-$1"; }

# Report rows: the command of NAME as run (WORK and BUILD_DIR for the scratch and build
# folders), a timing row, and a row of /usr/bin/time figures (usage-NAME: wall user system KiB).
command_of() {
  awk -F'\t' -v name="$1" '$1 == name { print $2 }' "$work/commands.txt" |
    sed "s|$work/|WORK/|g; s|$work|WORK|g; s|$build_dir|BUILD_DIR|g; s/|/\\\\|/g"
}

row() {  # NAME LABEL [BYTES]: one timing row, with the throughput of the median over BYTES
  [[ -n "$(median "$1")" ]] || return 0
  local throughput=–
  [[ -z ${3:-} ]] || throughput=$(rate "$3" "$(median "$1")")
  printf '| %s | `%s` | %s | %s | %s ± %s | %s | %s | %s |\n' "$2" "$(command_of "$1")" \
    "$(value "$1" 2)" "$(fmt "$(median "$1")" %.3f)" "$(fmt "$(value "$1" 4)" %.3f)" \
    "$(fmt "$(value "$1" 5)" %.3f)" "$(fmt "$(value "$1" 6)" %.3f)" \
    "$(fmt "$(value "$1" 7)" %.3f)" "$throughput"
}

usage_row() {  # NAME LABEL
  [[ -s $work/usage-$1 ]] || return 0
  printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$(field "$1" 1)" "$(field "$1" 2)" \
    "$(field "$1" 3)" "$(awk -v u="$(field "$1" 2)" -v s="$(field "$1" 3)" \
    'BEGIN { printf "%.2f", u + s }')" "$(mib "$(field "$1" 4)")"
}

# source_commit SOURCE_DIR: the short commit of the source tree, with " + uncommitted changes"
# when anything but the benchmark reports themselves (docs/benchmarks.md, docs/benchmarks/)
# differs from it: an area run after another has not committed the other's report yet.
source_commit() {
  local commit
  commit=$(git -C "$1" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$1" diff --quiet HEAD -- . ':(exclude)docs/benchmarks.md' \
    ':(exclude)docs/benchmarks' 2>/dev/null || commit="$commit + uncommitted changes"
  echo "$commit"
}
