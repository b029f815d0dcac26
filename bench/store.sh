#!/usr/bin/env bash
# Benchmarks the USMT.MIG store (docs/store-format.md) against tar + zstd on the same real files,
# in one run (SPEC §11, issue 4), and writes the results to docs/benchmarks/store.md:
# store write vs `tar | zstd -T0 -3` and vs `zstd -T0 -3` on a pre-built tar (the compression
# limit), store size vs tar.zst, single-file extract vs a tar.zst scan (also from a multi-GB
# store), peak memory vs data size, and full verification throughput.
#
#   usage: bench/store.sh BUILD_DIR      (a Release build: cmake -DCMAKE_BUILD_TYPE=Release)
#
# Knobs (environment): BENCH_STORE_MB (400: the dataset, copied from BENCH_STORE_SOURCES),
# BENCH_STORE_LARGE_MB (2048: the multi-GB store, the dataset copied until this size; scaled
# down when the disk is short), BENCH_STORE_RUNS (5: timed runs per write), BENCH_STORE_SOURCES
# (directories the dataset is taken from, in equal shares), BENCH_STORE_OUTPUT
# (docs/benchmarks/store.md), TMPDIR (where the scratch directory goes).
#
# Commands that are compared run in interleaved rounds (A B C, A B C, ...), not one after the
# other as hyperfine would, so that load from other work on a shared machine falls on all of them
# alike; ratios use the medians. Installs zstd and time from Debian packages when missing and root
# (never done by the tests); perf, when present, profiles one store write.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
invocation="bash bench/store.sh $1"
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
data_mb=${BENCH_STORE_MB:-400}
large_mb=${BENCH_STORE_LARGE_MB:-2048}
runs=${BENCH_STORE_RUNS:-5}
sources=${BENCH_STORE_SOURCES:-/usr/share/doc /usr/share/locale /usr/share/man /usr/include \
/usr/lib/python3 /usr/lib/x86_64-linux-gnu}
output=${BENCH_STORE_OUTPUT:-$source_dir/docs/benchmarks/store.md}
driver=$build_dir/bench/tseq_bench_store
time_tool=/usr/bin/time

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== building tseq_bench_store in $build_dir"
if ! build_log=$(cmake --build "$build_dir" --target tseq_bench_store 2>&1); then
  echo "$build_log" >&2
  exit 1
fi

source "$source_dir/bench/common.sh"
install_missing zstd=zstd "$time_tool"=time
for tool in zstd tar "$time_tool"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tseq-store-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
notes=()

# ---- disk: the dataset, its tar, the stores and tar.zst files, and the large copies ----
available_mb=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
needed_mb=$((data_mb * 4 + large_mb * 2 + 1024))
if ((available_mb < needed_mb)); then
  scaled=$(((available_mb - data_mb * 4 - 1024) / 2))
  ((scaled < 0)) && scaled=0
  notes+=("The disk had $available_mb MB free, short of the $needed_mb MB the run needs: the large store was scaled down from $large_mb MB to $scaled MB.")
  large_mb=$scaled
fi

# ---- the dataset: real files, copied so every tool reads the same warm page cache ----
data=$work/data
mkdir -p "$data"
read -r -a source_list <<<"$sources"
budget=$((data_mb * 1024 * 1024))
left=${#source_list[@]}
echo "== assembling about $data_mb MB from ${source_list[*]}"
for source in "${source_list[@]}"; do
  share=$((budget / left))
  left=$((left - 1))
  [[ -d $source ]] || continue
  name=$(echo "${source#/}" | tr '/' '-')
  # Sorted paths, whole files until the share is reached; none larger than a quarter of it.
  find "$source" -mindepth 1 \( -type f -o -type l \) -printf '%s\t%P\n' 2>/dev/null |
    LC_ALL=C sort -t $'\t' -k2,2 |
    awk -F'\t' -v share="$share" 'total < share && $1 <= share / 4 { print $2; total += $1 }' \
      >"$work/list-$name"
  mkdir -p "$data/$name"
  tar -C "$source" --no-recursion --verbatim-files-from -T "$work/list-$name" -cf - |
    tar -C "$data/$name" -xf -
  taken=$(find "$data/$name" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  budget=$((budget - taken))
done
sync
file_count=$(find "$data" -type f | wc -l)
directory_count=$(find "$data" -mindepth 1 -type d | wc -l)
symlink_count=$(find "$data" -type l | wc -l)
data_bytes=$(find "$data" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "== dataset: $file_count files, $directory_count directories, $symlink_count symlinks," \
  "$data_bytes bytes"
printf 'tseq-store-benchmark %s' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$work/key"

# measure ROUNDS WARMUP NAME COMMAND [NAME COMMAND ...]: measure_rounds (bench/common.sh) with
# no set-up.
measure() {
  local rounds=$1 warmup=$2 arguments=()
  shift 2
  while (($# > 0)); do
    arguments+=("$1" ":" "$2")
    shift 2
  done
  measure_rounds "$rounds" "$warmup" "${arguments[@]}"
}
# usage NAME COMMAND: runs the command once under /usr/bin/time and keeps "wall user system
# peak-KiB" in usage-NAME and its stdout in usage-NAME.out.
usage() {
  "$time_tool" -f '%e %U %S %M' -o "$work/usage-$1" bash -o pipefail -c "$2" \
    >"$work/usage-$1.out"
}
: >"$work/results.txt"
: >"$work/commands.txt"
# phase FILE KEY: the median of KEY=VALUE over the driver's output lines in FILE.
phase() {
  tr ' ' '\n' <"$1" | awk -F= -v key="$2" '$1 == key { print $2 }' | sort -g |
    awk '{ t[NR] = $1 } END { if (NR) print NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

# ---- write: the store against tar | zstd, in the same rounds ----
key=$work/key
store3=$work/store-3.MIG
store1=$work/store-1.MIG
plain=$work/store-plain.MIG
tarzst=$work/data.tar.zst
limit=$work/data-limit.tar.zst
tar -cf "$work/data.tar" --sort=name -C "$data" .
sync
store_write="$driver write $data $store3 --key-file $key"
tar_zstd="tar -cf - --sort=name -C $data . | zstd -T0 -3 -q -f -o $tarzst"
# The store syncs its file before renaming it into place; the peers get the same `sync FILE`.
measure "$runs" 1 \
  store_write "$store_write" \
  tar_zstd_sync "$tar_zstd && sync $tarzst" \
  zstd_tar_sync "zstd -T0 -3 -q -f $work/data.tar -o $limit && sync $limit" \
  store_write_level1 "$driver write $data $store1 --key-file $key --level 1" \
  store_write_plain "$driver write $data $plain --no-encrypt" \
  tar_zstd "$tar_zstd"
usage store_write "$store_write"
usage tar_zstd "$time_tool -f '%e %U %S %M' -o $work/usage-tar tar -cf - --sort=name -C $data . |
  $time_tool -f '%e %U %S %M' -o $work/usage-zstd zstd -T0 -3 -q -f -o $tarzst"
sync
store3_bytes=$(stat -c %s "$store3")
store1_bytes=$(stat -c %s "$store1")
plain_bytes=$(stat -c %s "$plain")
tarzst_bytes=$(stat -c %s "$tarzst")
limit_bytes=$(stat -c %s "$limit")

# ---- single-file extract: a member near the end of the archive order, from both ----
member=$(tar -tvf "$work/data.tar" | awk '$1 ~ /^-/ && $3 >= 32768 {
    name = $0; for (i = 0; i < 5; ++i) sub(/^[^ ]+ +/, "", name); last = name }
    END { print last }')
member_bytes=$(stat -c %s "$data/$member")
mkdir -p "$work/out"
extract="$driver extract $store3 ${member#./} $work/out/member --key-file $key"
measure 10 1 \
  extract "$extract" \
  scan "zstd -dcq $tarzst | tar -xf - -C $work/out $member"
cmp "$work/out/member" "$data/$member"
for _ in 1 2 3; do bash -c "$extract --timings" >>"$work/extract-timings.out"; done
usage extract "$extract"

# ---- the multi-GB store: the dataset copied until it reaches BENCH_STORE_LARGE_MB ----
large_copies=$(((large_mb * 1024 * 1024 + data_bytes - 1) / data_bytes))
if ((large_copies >= 2)); then
  large=$work/large
  large_store=$work/large.MIG
  large_tarzst=$work/large.tar.zst
  large_member="copy-$large_copies/${member#./}"
  large_extract="$driver extract $large_store $large_member $work/out/large-member --key-file $key"
  mkdir -p "$large"
  echo "== copying the dataset $large_copies times into $large"
  for ((copy = 1; copy <= large_copies; ++copy)); do cp -a "$data" "$large/copy-$copy"; done
  rm -f "$work/data.tar" "$limit" "$plain" "$store1"
  sync
  large_bytes=$(find "$large" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  usage large_store_write "$driver write $large $large_store --key-file $key"
  usage large_tar_zstd "tar -cf - --sort=name -C $large . | zstd -T0 -3 -q -f -o $large_tarzst && sync $large_tarzst"
  sync
  measure 5 1 \
    large_extract "$large_extract" \
    large_scan "zstd -dcq $large_tarzst | tar -xf - -C $work/out ./$large_member"
  cmp "$work/out/large-member" "$data/$member"
  for _ in 1 2 3; do bash -c "$large_extract --timings" >>"$work/large-extract-timings.out"; done
  measure 2 0 large_verify "$driver verify $large_store --key-file $key"
else
  notes+=("No large store: BENCH_STORE_LARGE_MB ($large_mb) is not at least twice the dataset.")
fi

# ---- verification ----
measure 3 1 verify "$driver verify $store3 --key-file $key" zstd_test "zstd -tq $tarzst"

# ---- where the store write spends its time ----
profile_command "$store_write" 12
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ----
# "store N ms vs tar.zst scan M ms: R× faster" (or slower).
versus() {
  awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "store %.0f ms vs " \
      "tar.zst scan %.0f ms: %.2f× %s", a * 1000, b * 1000, a <= b ? b / a : a / b,
      a <= b ? "faster" : "slower" }'
}
timing_row() {  # LABEL FILE: the medians of the phases of `extract --timings` runs
  local file=$work/$2
  awk -v label="$1" -v entries="$(phase "$file" entries)" -v key="$(phase "$file" \
    key_derivation_ms)" -v open="$(phase "$file" open_ms)" -v read="$(phase "$file" read_ms)" \
    'BEGIN { printf "| %s | %s | %.0f | %.0f | %.0f | %.1f |\n", label, entries, key, open,
      open - key, read }'
}
store_phase() { fmt "$(phase "$work/store_write.out" "$1")" %.3f; }
write_ratio=$(faster store_write tar_zstd_sync)
target=$(awk -v r="$write_ratio" 'BEGIN { print (r >= 1) ? "met" : "not met" }')
store_entries=$(phase "$work/store_write.out" entries)
rss_summary="$(mib "$(field store_write 4)") MiB for $(mb "$data_bytes") MB of data ($store_entries entries)"
extract_summary="$(mb "$data_bytes") MB of content, $(versus extract scan)"
if [[ -n ${large_store:-} ]]; then
  large_entries=$(phase "$work/usage-large_store_write.out" entries)
  rss_summary="$rss_summary, $(mib "$(field large_store_write 4)") MiB for $(mb "$large_bytes") MB ($large_entries entries)"
  extract_summary="$extract_summary; $(mb "$large_bytes") MB, $(versus large_extract large_scan)"
fi
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
memory=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os_name=$(. /etc/os-release && echo "$PRETTY_NAME")
commit=$(source_commit "$source_dir")
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build_dir/CMakeCache.txt")
compiler=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$build_dir/CMakeCache.txt")
package() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
table_head='| what | command | runs | median s | mean ± sd s | min s | max s | MB/s of content |
|---|---|---|---|---|---|---|---|'

mkdir -p "$(dirname "$output")"
{
  cat <<EOM
<!-- summary:
- store write (zstd -3 + AES-256-GCM) vs \`tar | zstd -T0 -3\`: $write_ratio× the speed (target ≥ 1×: $target); vs \`zstd -T0 -3\` on a pre-built tar: $(faster store_write zstd_tar_sync)×; at level 1: $(faster store_write_level1 tar_zstd_sync)×
- store size vs tar.zst (-3): $(ratio "$store3_bytes" "$tarzst_bytes")×
- single-file extract vs a tar.zst scan: $extract_summary
- peak RSS of the store write: $rss_summary
- full store verification: $(rate "$data_bytes" "$(median verify)") MB/s of content
-->
# Store benchmark (\`USMT.MIG\`)

Written by \`bench/store.sh\`; do not edit by hand. Rerun it on a Release build to refresh it.

SPEC §11 and issue 4 ask for the store (docs/store-format.md) to be measured side by side with
tar + zstd on the same real data, in one run, as ratios: writing a store (compressed **and**
encrypted) against \`tar | zstd -T0 -3\` (the target: as fast or faster) and against
\`zstd -T0 -3\` on a pre-built tar (the compression limit: no walk, no encryption); store size
against the tar.zst; extracting one file against the scan a tar.zst needs, also from a
multi-GB store; peak memory against data size; and verification throughput.

## Workload

Real files copied from \`${source_list[*]}\` into a scratch directory (whole files in sorted path
order, equal shares, none over a quarter of its share): **$file_count files, $directory_count
directories and $symlink_count symlinks, $(mb "$data_bytes") MB of content**. Every tool reads the
same copy from a warm page cache. The store is written by \`tseq_bench_store write\`
(bench/store_benchmark.cc: lstat walk in sorted order, metadata with owner names, through
\`archive::StoreWriter\` with the default 1 MiB blocks, one worker per core and the real scrypt
cost); the tar by GNU tar with \`--sort=name\`, so both hold the files in the same order.
EOM
  [[ -z ${large_store:-} ]] || cat <<EOM
The multi-GB case copies the dataset $large_copies times (\`copy-1\` ... \`copy-$large_copies\`:
$(mb "$large_bytes") MB of content, $large_entries entries).
EOM
  cat <<EOM

## Results

- Produced by: \`$invocation\` (BENCH_STORE_MB=$data_mb, BENCH_STORE_LARGE_MB=$large_mb, BENCH_STORE_RUNS=$runs)
- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs ($cpu), $memory RAM, $os_name, kernel $(uname -r)
- tseq: commit $commit, $build_type build, $("$compiler" --version | sed -n 1p); libzstd $(package libzstd1), OpenSSL $(package libssl3)
- Peers: $(tar --version | sed -n 1p), $(zstd --version | sed 's/^\*\** *//; s/ *\**$//')
- Load average (1, 5, 15 min) at the start: $load_at_start; at the end: $load_at_end
- Timing: wall-clock seconds of \`bash -c COMMAND\`; commands compared with each other run in
  interleaved rounds after one untimed round, and ratios use the medians. WORK is the scratch
  directory, BUILD_DIR the build. Every write ends with its output on disk: the store syncs
  before its rename (docs/store-format.md, "Writing"), the peers get \`sync FILE\`.
EOM
  for note in "${notes[@]}"; do printf -- '- Note: %s\n' "$note"; done
  cat <<EOM

### Write

$table_head
EOM
  row store_write "store, zstd -3 + AES-256-GCM" "$data_bytes"
  row tar_zstd_sync "tar \\| zstd -T0 -3" "$data_bytes"
  row zstd_tar_sync "zstd -T0 -3 on a pre-built tar (the limit)" "$data_bytes"
  row store_write_level1 "store, zstd -1 + AES-256-GCM" "$data_bytes"
  row store_write_plain "store, zstd -3, integrity only (no key)" "$data_bytes"
  row tar_zstd "tar \\| zstd -T0 -3, output not synced" "$data_bytes"
  cat <<EOM

| comparison (medians) | ratio |
|---|---|
| store write speed vs \`tar \\| zstd -T0 -3\` (≥ 1 meets the target: $target) | **$write_ratio×** |
| store write speed vs \`zstd -T0 -3\` on a pre-built tar | **$(faster store_write zstd_tar_sync)×** |
| store write at level 1, speed vs \`tar \\| zstd -T0 -3\` | **$(faster store_write_level1 tar_zstd_sync)×** |
| store write speed, integrity only vs encrypted | **$(faster store_write_plain store_write)×** |

Where the store writer's calling thread spends a write (\`tseq_bench_store write\` times its own
calls; medians over the timed runs). The compression and sealing run meanwhile on the workers.

| phase | seconds |
|---|---|
| key derivation (scrypt, N = 2^16, r = 8, p = 1) and header | $(store_phase setup_seconds) |
| walk: listing directories | $(store_phase list_seconds) |
| walk: lstat | $(store_phase stat_seconds) |
| walk: opening files | $(store_phase open_seconds) |
| walk: reading content | $(store_phase read_seconds) |
| walk: writing sealed blocks to the file (\`write(2)\`) | $(store_phase append_seconds) |
| the rest of the walk: catalog bookkeeping, waiting for the workers | $(store_phase other_seconds) |
| finishing: last blocks, catalog, trailer, \`fdatasync\` and rename ($(store_phase sync_seconds) s) | $(store_phase finish_seconds) |
| total | $(store_phase seconds) |

### Size

| file | bytes | vs tar.zst |
|---|---|---|
| store, zstd -3 + AES-256-GCM | $store3_bytes | **$(ratio "$store3_bytes" "$tarzst_bytes")×** |
| store, zstd -1 + AES-256-GCM | $store1_bytes | $(ratio "$store1_bytes" "$tarzst_bytes")× |
| store, zstd -3, integrity only | $plain_bytes | $(ratio "$plain_bytes" "$tarzst_bytes")× |
| \`tar \\| zstd -T0 -3\` | $tarzst_bytes | 1.00× |
| \`zstd -T0 -3\` on the tar | $limit_bytes | $(ratio "$limit_bytes" "$tarzst_bytes")× |
| content | $data_bytes | $(ratio "$data_bytes" "$tarzst_bytes")× |

### Single-file extract

The member is the last file of at least 32 KiB in archive order, \`${member#./}\` ($member_bytes
bytes; in the large store, its copy in \`copy-${large_copies}\`), so a tar.zst scan decompresses
nearly everything before it (tar then reads on to the end: it cannot know the member is not
there twice). The store reads the header, derives the key, reads and checks the whole catalog,
then only the blocks that hold the file.

$table_head
EOM
  row extract "store ($(mb "$store3_bytes") MB)"
  row scan "tar.zst scan ($(mb "$tarzst_bytes") MB)"
  if [[ -n ${large_store:-} ]]; then
    row large_extract "store ($(mb "$(stat -c %s "$large_store")") MB)"
    row large_scan "tar.zst scan ($(mb "$(stat -c %s "$large_tarzst")") MB)"
  fi
  cat <<EOM

| comparison (medians) | ratio |
|---|---|
| extract speed, store vs tar.zst scan, $(mb "$data_bytes") MB of content | **$(faster extract scan)×** |
EOM
  [[ -z ${large_store:-} ]] ||
    echo "| extract speed, store vs tar.zst scan, $(mb "$large_bytes") MB of content | **$(faster large_extract large_scan)×** |"
  cat <<EOM

Inside the store extract (\`--timings\`, which also times a key derivation of its own; medians of
three runs):

| store | entries | key derivation ms | opening ms (key derivation, header, trailer, catalog) | opening without the key derivation ms | reading the file ms |
|---|---|---|---|---|---|
EOM
  timing_row "$(mb "$store3_bytes") MB" extract-timings.out
  [[ -z ${large_store:-} ]] ||
    timing_row "$(mb "$(stat -c %s "$large_store")") MB" large-extract-timings.out
  cat <<EOM

### Peak memory and CPU time

One run each under \`/usr/bin/time\` (\`%e %U %S %M\`); in the pipeline tar and zstd are timed
separately (both are in memory at once), and for the large pipeline the larger of the two is shown.

| what | wall s | user s | system s | CPU s | peak RSS MiB |
|---|---|---|---|---|---|
EOM
  usage_row store_write "store write, $(mb "$data_bytes") MB"
  usage_row tar "tar, $(mb "$data_bytes") MB"
  usage_row zstd "zstd -T0 -3, $(mb "$data_bytes") MB"
  usage_row large_store_write "store write, $(mb "${large_bytes:-0}") MB"
  usage_row large_tar_zstd "tar \\| zstd -T0 -3, $(mb "${large_bytes:-0}") MB"
  usage_row extract "store single-file extract, $(mb "$data_bytes") MB"
  cat <<EOM

### Verification

\`tseq_bench_store verify\` runs \`archive::VerifyStore\`: key, catalog, then every block
authenticated and decompressed on all cores. \`zstd -t\` is the only check a tar.zst offers (the
frame checksum; no authentication).

$table_head
EOM
  row verify "verify the store" "$data_bytes"
  row large_verify "verify the large store" "${large_bytes:-0}"
  row zstd_test "zstd -t on the tar.zst" "$data_bytes"
  [[ -z $profile_dso ]] || cat <<EOM

### Profile of one store write

\`perf record -F 499\`, all threads, share of samples. The first thread is the calling thread
(walk, reads, catalog, writes), the others the compression and sealing workers.

| library | share |
|---|---|
$profile_dso

| thread | share |
|---|---|
$profile_threads

| symbol | library | share |
|---|---|---|
$profile_symbols
EOM
  cat <<EOM

## Reproducing

Configure a Release build (\`cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release\`) and
run \`bash bench/store.sh build/release\`. It builds \`tseq_bench_store\`, installs zstd and time
from Debian packages when they are missing (the tests never do), works in a scratch directory
under \`\$TMPDIR\` that it removes, and rewrites this file. Environment knobs: \`BENCH_STORE_MB\`,
\`BENCH_STORE_LARGE_MB\`, \`BENCH_STORE_RUNS\`, \`BENCH_STORE_SOURCES\`, \`BENCH_STORE_OUTPUT\` (see
the script). Not a CTest test: timings on a shared machine are too noisy to gate a build on.
EOM
} >"$output"
echo "== wrote $output"
cat "$output"
