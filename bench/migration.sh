#!/usr/bin/env bash
# Benchmarks scanstate and loadstate (docs/scanstate.md, docs/loadstate.md) against the tools
# people use today to move or back up home folders, on the same real files in one run (SPEC §11,
# issue 5), and writes the results to docs/benchmarks/migration.md: a compressed and encrypted
# capture vs `tar | zstd -T0 -3` and vs the first backup of restic and of borg, the restore vs
# `zstd -d | tar -x`, a hard-link capture vs `cp -al`, peak memory vs data size, and store size vs
# the peers' archives and repositories.
#
#   usage: bench/migration.sh BUILD_DIR      (a Release build: cmake -DCMAKE_BUILD_TYPE=Release)
#
# Knobs (environment): BENCH_MIGRATION_MB (400: the dataset, copied from
# BENCH_MIGRATION_SOURCES), BENCH_MIGRATION_RUNS (5: timed runs per command),
# BENCH_MIGRATION_SOURCES (directories the dataset is taken from, in equal shares; six of them, as
# each goes to its own user folder), BENCH_MIGRATION_OUTPUT (docs/benchmarks/migration.md), TMPDIR
# (where the scratch directory goes).
#
# The workload is a machine root (etc/passwd with root and two users, etc/group, etc/hostname)
# whose two homes hold the dataset in folders the shipped rules capture. Commands that are
# compared run in interleaved rounds (A B C, A B C, ...) so that load from other work on a shared
# machine falls on all of them alike; each run is preceded by an untimed setup (a fresh target,
# the old store or repository removed); ratios use the medians. Installs zstd, time, restic and
# borgbackup from Debian packages when missing and root (never done by the tests); perf, when
# present, profiles one capture. Run as root: the homes belong to their users, and restoring
# owners, like the hard-link store's protection, needs root.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
invocation="bash bench/migration.sh $1"
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
data_mb=${BENCH_MIGRATION_MB:-400}
runs=${BENCH_MIGRATION_RUNS:-5}
sources=${BENCH_MIGRATION_SOURCES:-/usr/share/doc /usr/share/locale /usr/share/man /usr/include \
/usr/lib/python3 /usr/lib/x86_64-linux-gnu}
output=${BENCH_MIGRATION_OUTPUT:-$source_dir/docs/benchmarks/migration.md}
scanstate=$build_dir/tools/scanstate/scanstate
loadstate=$build_dir/tools/loadstate/loadstate
usmtutils=$build_dir/tools/usmtutils/usmtutils
time_tool=/usr/bin/time

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
[[ $(id -u) -eq 0 ]] || { echo "bench: run as root (owners, the hard-link store)" >&2; exit 1; }
echo "== building scanstate, loadstate and usmtutils in $build_dir"
if ! build_log=$(cmake --build "$build_dir" --target scanstate loadstate usmtutils 2>&1); then
  echo "$build_log" >&2
  exit 1
fi

source "$source_dir/bench/common.sh"
# The commit of the tree built below, taken now: others may commit while the benchmark runs.
commit=$(source_commit "$source_dir")
install_missing zstd=zstd "$time_tool"=time restic=restic borg=borgbackup
for tool in zstd tar restic borg "$time_tool"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tseq-migration-bench-XXXXXX")
cleanup() {
  # Hard-link stores (the last one, and those set aside) are immutable: lift that before
  # removing the rest.
  local hardlink_store
  for hardlink_store in "$work"/hardlink/store "$work"/set-aside/*/hardlink/store; do
    if [[ -e $hardlink_store ]]; then
      "$usmtutils" /rd "$hardlink_store" /y >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
notes=()

available_mb=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
needed_mb=$((data_mb * 24 + 1024))  # set-aside restores and copies included
if ((available_mb < needed_mb)); then
  echo "bench: $available_mb MB free under $work, the run needs about $needed_mb MB" >&2
  exit 1
fi

# ---- the machine root: two users, their homes filled with real files ----
root=$work/root
mkdir -p "$root/etc" "$root/root"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
alice:x:1000:1000:Alice:/home/alice:/bin/bash
bob:x:1001:1001:Bob:/home/bob:/bin/bash
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
alice:x:1000:
bob:x:1001:
EOF
echo pc01 >"$root/etc/hostname"
# Each source goes to a user folder of miguser.yaml (Desktop, Documents, Downloads, Music,
# Pictures, Videos): everything in them is captured.
folders=(alice/Documents alice/Pictures alice/Music bob/Documents bob/Downloads bob/Desktop)
read -r -a source_list <<<"$sources"
budget=$((data_mb * 1024 * 1024))
left=${#source_list[@]}
echo "== assembling about $data_mb MB from ${source_list[*]}"
for index in "${!source_list[@]}"; do
  source=${source_list[index]}
  share=$((budget / left))
  left=$((left - 1))
  [[ -d $source ]] || continue
  name=$(echo "${source#/}" | tr '/' '-')
  destination=$root/home/${folders[index % ${#folders[@]}]}/$name
  # Sorted paths, whole files until the share is reached; none larger than a quarter of it.
  find "$source" -mindepth 1 \( -type f -o -type l \) -printf '%s\t%P\n' 2>/dev/null |
    LC_ALL=C sort -t $'\t' -k2,2 |
    awk -F'\t' -v share="$share" 'total < share && $1 <= share / 4 { print $2; total += $1 }' \
      >"$work/list-$name"
  mkdir -p "$destination"
  tar -C "$source" --no-recursion --verbatim-files-from -T "$work/list-$name" -cf - |
    tar -C "$destination" -xf -
  taken=$(find "$destination" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  budget=$((budget - taken))
done
chown -R 1000:1000 "$root/home/alice"
chown -R 1001:1001 "$root/home/bob"
sync
home=$root/home
file_count=$(find "$home" -type f | wc -l)
directory_count=$(find "$home" -mindepth 1 -type d | wc -l)
symlink_count=$(find "$home" -type l | wc -l)
data_bytes=$(find "$home" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "== dataset: $file_count files, $directory_count directories, $symlink_count symlinks," \
  "$data_bytes bytes"
printf 'tseq-migration-benchmark %s' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
  >"$work/key"
key=$work/key

# set_aside DIR: the command line that moves DIR (if any) out of the way into $work/set-aside, to
# be removed at the end. Removing tens of thousands of files just before a timed run would slow
# the files it creates: ext4 without a journal skips recently freed inodes when it allocates.
mkdir -p "$work/set-aside"
set_aside() {
  echo "if [[ -e $1 ]]; then mv $1 \$(mktemp -d $work/set-aside/XXXXXX)/; fi"
}
# fresh_target DIR: the command line that makes DIR an empty machine root with the same accounts.
fresh_target() {
  echo "$(set_aside "$1") && mkdir -p $1/etc && cp $root/etc/passwd $root/etc/group $root/etc/hostname $1/etc/"
}

# usage NAME SETUP COMMAND: runs SETUP, then the command once under /usr/bin/time, keeping "wall
# user system peak-KiB" in usage-NAME and its stdout in usage-NAME.out.
usage() {
  bash -o pipefail -c "$2" >/dev/null
  "$time_tool" -f '%e %U %S %M' -o "$work/usage-$1" bash -o pipefail -c "$3" \
    >"$work/usage-$1.out"
}
: >"$work/results.txt"
: >"$work/commands.txt"

# ---- capture: the encrypted store against tar | zstd, restic and borg, in the same rounds ----
store=$work/store
tarzst=$work/home.tar.zst
restic_repository=$work/restic
borg_repository=$work/borg
export RESTIC_PASSWORD_FILE=$key RESTIC_CACHE_DIR=$work/restic-cache
export BORG_PASSPHRASE
BORG_PASSPHRASE=$(cat "$key")
export BORG_BASE_DIR=$work/borg-base BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes \
  BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
# scanstate exits 3 when /c skipped an error; the check below reports any, the runs accept it.
capture="$scanstate $store /root:$root /o /encrypt /keyfile:$key /c"
accept="; code=\$?; ((code == 0 || code == 3))"
echo "== checking one capture"
set +e
capture_output=$($capture 2>&1)
capture_code=$?
set -e
echo "$capture_output"
((capture_code == 0 || capture_code == 3)) || { echo "bench: scanstate exited $capture_code" >&2; exit 1; }
captured_files=$(sed -n 's/^Captured \([0-9]*\) files\{0,1\} (\([0-9]*\) bytes\{0,1\}).*/\1/p' <<<"$capture_output")
captured_bytes=$(sed -n 's/^Captured \([0-9]*\) files\{0,1\} (\([0-9]*\) bytes\{0,1\}).*/\2/p' <<<"$capture_output")
[[ $capture_code -eq 0 ]] ||
  notes+=("The check capture exited $capture_code (errors skipped because of /c): $(tail -1 <<<"$capture_output")")
# Every write ends with its output on disk: the store syncs its file before renaming it into
# place; tar.zst gets `sync FILE`, the repositories `sync` on every file and folder in them
# (restic and borg sync much of their own writes already).
sync_tree() { echo "find $1 \\( -type f -o -type d \\) -exec sync {} +"; }
# borg drops the files it reads from the page cache (posix_fadvise DONTNEED): every capture's
# setup reads the homes first, so that each one starts from a warm cache.
# (GNU tar reads nothing when its archive is /dev/null itself: hence the cat.)
warm="tar -C $home -cf - . | cat >/dev/null"
measure_rounds "$runs" 1 \
  scanstate "rm -rf $store; $warm" "$capture$accept" \
  tar_zstd "rm -f $tarzst; $warm" "tar -C $home -cf - . | zstd -T0 -3 -q -f -o $tarzst && sync $tarzst" \
  restic "rm -rf $restic_repository $RESTIC_CACHE_DIR; $warm" \
  "restic init -q -r $restic_repository && restic backup -q -r $restic_repository $home && $(sync_tree "$restic_repository")" \
  borg "rm -rf $borg_repository $BORG_BASE_DIR; $warm" \
  "borg init -e repokey $borg_repository 2>/dev/null && borg create $borg_repository::first $home && $(sync_tree "$borg_repository")"
store_bytes=$(stat -c %s "$store/USMT/USMT.MIG")
tarzst_bytes=$(stat -c %s "$tarzst")
restic_bytes=$(du -sb "$restic_repository" | cut -f1)
borg_bytes=$(du -sb "$borg_repository" | cut -f1)
usage scanstate "rm -rf $store; $warm" "$capture$accept"
usage tar_zstd "rm -f $tarzst; $warm" "$time_tool -f '%e %U %S %M' -o $work/usage-tar tar -C $home -cf - . |
  $time_tool -f '%e %U %S %M' -o $work/usage-zstd zstd -T0 -3 -q -f -o $tarzst && sync $tarzst"
usage restic "rm -rf $restic_repository $RESTIC_CACHE_DIR; restic init -q -r $restic_repository; $warm" \
  "restic backup -q -r $restic_repository $home"
usage borg "rm -rf $borg_repository $BORG_BASE_DIR; borg init -e repokey $borg_repository; $warm" \
  "borg create $borg_repository::first $home"

# ---- restore: loadstate against zstd -d | tar -x, each into a fresh root ----
target=$work/target
tar_target=$work/tar-target
restore="$loadstate $store /root:$target /decrypt /keyfile:$key /c"
untar="zstd -dcq $tarzst | tar -C $tar_target/home -xf -"
# No untimed round: the input, the store or the tar.zst, is already in the page cache, and a
# restore of the whole dataset is the slowest command here.
measure_rounds "$runs" 0 \
  loadstate "$(fresh_target "$target")" "$restore$accept" \
  tar_extract "$(set_aside "$tar_target"); mkdir -p $tar_target/home" "$untar" \
  tar_extract_syncfs "$(set_aside "$tar_target"); mkdir -p $tar_target/home" \
  "$untar && sync -f $tar_target/home" \
  tar_extract_sync "$(set_aside "$tar_target"); mkdir -p $tar_target/home" \
  "$untar && $(sync_tree "$tar_target/home")"
# The one run under /usr/bin/time also counts loadstate's syncs (strace stops only on those).
usage loadstate "$(fresh_target "$target")" \
  "strace -f -c -e trace=fsync,fdatasync,syncfs -o $work/strace.txt $restore$accept"
restored_summary=$(grep -m1 '^Restored' "$work/usage-loadstate.out" || true)
# What the restore gives, compared with the original homes: content, and type, mode, owner,
# group, size (but a folder's) and modification time of every object.
listing() {
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%y %m %u %g - ' -o -printf '%y %m %u %g %s ' \) \
    -printf '%TY-%Tm-%Td+%TT %p -> %l\n' | LC_ALL=C sort)
}
content_check=identical
diff -r --no-dereference "$home" "$target/home" >"$work/content.diff" 2>&1 ||
  content_check="different: $(wc -l <"$work/content.diff") lines of \`diff -r\`, such as \`$(head -1 "$work/content.diff")\`"
listing "$home" >"$work/listing-source"
listing "$target/home" >"$work/listing-loadstate"
listing "$tar_target/home" >"$work/listing-tar"
metadata_check() {  # LISTING: how it differs from the source's
  local differing
  differing=$(diff "$work/listing-source" "$work/$1" | grep -c '^>' || true)
  if ((differing == 0)); then
    echo "identical"
  else
    echo "$differing of $(wc -l <"$work/listing-source") objects differ, such as \`$(diff "$work/listing-source" "$work/$1" | grep -m1 '^<' | cut -c3-)\` restored as \`$(diff "$work/listing-source" "$work/$1" | grep -m1 '^>' | cut -c3-)\`"
  fi
}
loadstate_metadata=$(metadata_check listing-loadstate)
tar_metadata=$(metadata_check listing-tar)
restore_file_syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { s += $4 } END { print s + 0 }' \
  "$work/strace.txt")
restore_filesystem_syncs=$(awk '$NF == "syncfs" { s += $4 } END { print s + 0 }' \
  "$work/strace.txt")

# ---- hard-link capture against cp -al ----
# The store is in a folder of its own, so that the folder can be set aside between runs (the
# store itself is immutable): removing it just before a run would slow the folders the next run
# makes, as for the restores above.
hardlink_store=$work/hardlink/store
links=$work/links
hardlink="$scanstate $hardlink_store /root:$root /hardlink /nocompress /o"
measure_rounds "$runs" 1 \
  hardlink "$(set_aside "$work/hardlink"); mkdir -p $work/hardlink" "$hardlink$accept" \
  cp_al "$(set_aside "$links")" "cp -al $home $links"
usage hardlink "$(set_aside "$work/hardlink"); mkdir -p $work/hardlink" "$hardlink$accept"
"$usmtutils" /rd "$hardlink_store" /y >/dev/null

# ---- where the capture spends its time ----
rm -rf "$store"
profile_command "$capture" 15
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ----
slower() { ratio "$(median "$1")" "$(median "$2")"; }  # how many times the time of $2 $1 takes
met() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "not met" }'; }
versus_tar=$(faster scanstate tar_zstd)
versus_restic=$(faster scanstate restic)
versus_borg=$(faster scanstate borg)
restore_ratio=$(faster loadstate tar_extract)
restore_syncfs_ratio=$(faster loadstate tar_extract_syncfs)
restore_sync_ratio=$(faster loadstate tar_extract_sync)
hardlink_ratio=$(slower hardlink cp_al)
hardlink_target=$(awk -v r="$hardlink_ratio" 'BEGIN { print (r <= 1.5) ? "met" : "not met" }')
# "Clearly faster" than restic and borg: at least 1.5× their speed.
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
memory=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os_name=$(. /etc/os-release && echo "$PRETTY_NAME")
filesystem=$(df -PT "$work" | awk 'NR == 2 { print $2 }')
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build_dir/CMakeCache.txt")
compiler=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$build_dir/CMakeCache.txt")
package() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
table_head='| what | command | runs | median s | mean ± sd s | min s | max s | MB/s of content |
|---|---|---|---|---|---|---|---|'
capture_coverage="$captured_files files, $captured_bytes bytes of the dataset's $file_count files, $data_bytes bytes"
if [[ $captured_bytes == "$data_bytes" && $captured_files == "$file_count" ]]; then
  capture_coverage="all of it: $capture_coverage"
else
  notes+=("scanstate did not capture the whole dataset: $capture_coverage.")
fi

mkdir -p "$(dirname "$output")"
{
  cat <<EOM
<!-- summary:
- scanstate capture (zstd + AES-256-GCM) vs \`tar | zstd -T0 -3\`: $versus_tar× the speed (target ≥ 1×: $(met "$versus_tar" 1))
- scanstate capture vs restic and borg first backups: $versus_restic× restic's speed, $versus_borg× borg's (target clearly faster, ≥ 1.5×: $(met "$(awk -v a="$versus_restic" -v b="$versus_borg" 'BEGIN { print a < b ? a : b }')" 1.5))
- loadstate restore vs \`zstd -d | tar -x\`: $restore_ratio× the speed; followed by one \`sync -f\`: $restore_syncfs_ratio×; followed by syncing every file: $restore_sync_ratio×
- hard-link capture vs \`cp -al\`: takes $hardlink_ratio× its time (target within 1.5×: $hardlink_target)
- peak RSS of scanstate: $(mib "$(field scanstate 4)") MiB for $(mb "$data_bytes") MB of data ($file_count files)
- store size vs tar.zst, restic, borg: $(ratio "$store_bytes" "$tarzst_bytes")×, $(ratio "$store_bytes" "$restic_bytes")×, $(ratio "$store_bytes" "$borg_bytes")×
-->
# Migration benchmark (\`scanstate\`, \`loadstate\`)

Written by \`bench/migration.sh\`; do not edit by hand. Rerun it on a Release build to refresh it.

SPEC §11 and issue 5 ask for scanstate and loadstate to be measured side by side with the tools
used today to carry home folders from one machine to another, on the same real data, in one run,
as ratios: a compressed and encrypted capture against \`tar | zstd -T0 -3\` (the target: faster)
and against the first backup of restic and of borg into a new repository (the target: clearly
faster); the restore against \`zstd -d | tar -x\`; a hard-link capture against \`cp -al\` (the
target: within 1.5× of its time); peak memory against data size; and the store's size against the
peers' output.

## Workload

A machine root in a scratch directory: \`etc/passwd\` with root and two users (alice, uid 1000,
and bob, uid 1001, within \`login.defs\`' defaults), \`etc/group\`, \`etc/hostname\`. Their homes
hold real files copied from \`${source_list[*]}\` (whole files in sorted path order, equal shares,
none over a quarter of its share), one source per user folder of the shipped \`miguser.yaml\`
(\`${folders[*]}\`), owned by their user: **$file_count files, $directory_count folders and
$symlink_count symlinks, $(mb "$data_bytes") MB of content**. Every tool reads the same homes from
a warm page cache: each capture's setup reads them all first (\`tar -cf - . | cat >/dev/null\`), as borg
drops the files it reads from the cache, which made the command after it read from disk.

scanstate runs in simple mode (no \`/i\`: the shipped \`miguser.yaml\`, \`migapp.yaml\` and
\`migdocs.yaml\`), which captures **$capture_coverage**. The peers take
\`ROOT/home\` whole.

## Results

- Produced by: \`$invocation\` (BENCH_MIGRATION_MB=$data_mb, BENCH_MIGRATION_RUNS=$runs)
- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs ($cpu), $memory RAM, $os_name, kernel $(uname -r), scratch directory on $filesystem
- tseq: commit $commit, $build_type build, $("$compiler" --version | sed -n 1p); libzstd $(package libzstd1), OpenSSL $(package libssl3)
- Peers (Debian packages): tar $(package tar), zstd $(package zstd), restic $(package restic), borgbackup $(package borgbackup)
- Load average (1, 5, 15 min) at the start: $load_at_start; at the end: $load_at_end
- Timing: wall-clock seconds of \`bash -c COMMAND\`; commands compared with each other run in
  interleaved rounds after one untimed round (none for the restores), each run after an untimed
  setup (the previous store, archive or repository removed, the previous target set aside, a
  fresh target root with the same \`etc/passwd\` and \`etc/group\` made, then \`sync\` so that
  no run pays for the writeback of another), and ratios use the medians. WORK is the scratch directory, ROOT is
  WORK/root, BUILD_DIR the build.
- Durability: every capture ends with its output on disk. scanstate syncs the store before
  renaming it into place; tar.zst gets \`sync FILE\`; the restic and borg repositories get
  \`sync\` on every file and folder in them (\`find REPO \\( -type f -o -type d \\) -exec sync {} +\`).
  loadstate names no file before its content is on disk: it writes files in batches under
  temporary names, syncs the filesystem once per batch, then renames them, and syncs once more at
  the end ($restore_filesystem_syncs \`syncfs\` and $restore_file_syncs \`fsync\`/\`fdatasync\`
  calls in one restore of $file_count files and $symlink_count symlinks, counted with strace), so
  the restore is timed against \`tar -x\` both without and with a sync of every file and folder
  it wrote. Targets, extracted trees and copies of earlier runs are moved aside rather than
  removed before a run (and removed at the end): on ext4 without a journal, creating files just
  after tens of thousands were deleted is several times slower, which would penalise whichever
  command runs next. The hard-link capture and \`cp -al\` write no content and are not synced.
EOM
  for note in "${notes[@]}"; do printf -- '- Note: %s\n' "$note"; done
  cat <<EOM

### Capture

restic ($(package restic)) and borg ($(package borgbackup)) run with their defaults: restic
compresses with zstd (repository format 2, \`auto\`) and encrypts with AES-256 (CTR + Poly1305),
borg with \`-e repokey\` encrypts with AES-256-CTR + HMAC-SHA256 and compresses with lz4. Each
round makes a new repository, so every run is a first backup (no deduplication against an
earlier one), with a new cache (\`RESTIC_CACHE_DIR\`, \`BORG_BASE_DIR\` in WORK).

$table_head
EOM
  row scanstate "scanstate, zstd + AES-256-GCM" "$data_bytes"
  row tar_zstd "tar \\| zstd -T0 -3" "$data_bytes"
  row restic "restic init + first backup" "$data_bytes"
  row borg "borg init + first create" "$data_bytes"
  cat <<EOM

| comparison (medians) | ratio |
|---|---|
| capture speed vs \`tar \\| zstd -T0 -3\` (≥ 1 meets the target: $(met "$versus_tar" 1)) | **$versus_tar×** |
| capture speed vs restic's first backup (≥ 1.5 meets the target: $(met "$versus_restic" 1.5)) | **$versus_restic×** |
| capture speed vs borg's first backup (≥ 1.5 meets the target: $(met "$versus_borg" 1.5)) | **$versus_borg×** |

### Restore

loadstate restores into a fresh target root that has the same accounts (so no \`/lac\`): it
creates the homes, writes each file to a temporary name, applies owner, mode, ACLs, attributes and
time, and, once a filesystem sync has made its batch of files durable, renames it into place.
tar extracts into a fresh folder as
root (owners, modes and times restored). A restore writes the whole dataset, so its time depends
on the disk's write and sync speed, which on a shared virtual machine varies from run to run far
more than CPU work does (see the spread of each row).

$table_head
EOM
  row loadstate "loadstate" "$data_bytes"
  row tar_extract "zstd -d \\| tar -x" "$data_bytes"
  row tar_extract_syncfs "zstd -d \\| tar -x, then sync -f (its filesystem synced once)" "$data_bytes"
  row tar_extract_sync "zstd -d \\| tar -x, then every file and folder synced" "$data_bytes"
  cat <<EOM

| comparison (medians) | ratio |
|---|---|
| restore speed vs \`zstd -d \\| tar -x\` | **$restore_ratio×** |
| restore speed vs \`zstd -d \\| tar -x\` and one \`sync -f\` (the durability loadstate gives) | **$restore_syncfs_ratio×** |
| restore speed vs \`zstd -d \\| tar -x\` with every file and folder synced | **$restore_sync_ratio×** |

What was restored, compared with the original homes (\`diff -r --no-dereference\` for content;
for metadata a listing of type, mode, owner, group, size (but a folder's), modification time and
symlink target of every object; GNU tar keeps only whole seconds of a folder's time):

| restore | loadstate | \`zstd -d \\| tar -x\` |
|---|---|---|
| content | $content_check | (tar's own archive) |
| metadata | $loadstate_metadata | $tar_metadata |

loadstate said: \`$restored_summary\`

### Hard-link capture

A hard-link store (\`/hardlink /nocompress\`) links the captured files into the store instead of
copying them, writes the catalog and protects the store (a marker file and the immutable
attribute). Between runs the folder holding it is set aside, untimed, like the copies \`cp -al\`
makes (the same links without a catalog); the stores are removed with \`usmtutils /rd STORE /y\`
at the end.

$table_head
EOM
  row hardlink "scanstate /hardlink" "$data_bytes"
  row cp_al "cp -al" "$data_bytes"
  cat <<EOM

| comparison (medians) | ratio |
|---|---|
| hard-link capture time vs \`cp -al\` (≤ 1.5 meets the target: $hardlink_target) | **$hardlink_ratio×** |

### Size

| output | bytes | vs the store |
|---|---|---|
| scanstate store (\`USMT.MIG\`), zstd + AES-256-GCM | $store_bytes | 1.00× |
| \`tar \\| zstd -T0 -3\` | $tarzst_bytes | $(ratio "$tarzst_bytes" "$store_bytes")× |
| restic repository | $restic_bytes | $(ratio "$restic_bytes" "$store_bytes")× |
| borg repository | $borg_bytes | $(ratio "$borg_bytes" "$store_bytes")× |
| content | $data_bytes | $(ratio "$data_bytes" "$store_bytes")× |

### Peak memory and CPU time

One run each under \`/usr/bin/time\` (\`%e %U %S %M\`), not synced afterwards except where the
tool syncs itself; in the pipeline tar and zstd are timed separately (both are in memory at once);
restic's and borg's runs are the backup alone (the repository made beforehand); loadstate's runs
under \`strace -f -c -e trace=fsync,fdatasync,syncfs\`, which counts its syncs.

| what | wall s | user s | system s | CPU s | peak RSS MiB |
|---|---|---|---|---|---|
EOM
  usage_row scanstate "scanstate capture, $(mb "$data_bytes") MB"
  usage_row tar "tar, $(mb "$data_bytes") MB"
  usage_row zstd "zstd -T0 -3, $(mb "$data_bytes") MB"
  usage_row restic "restic backup, $(mb "$data_bytes") MB"
  usage_row borg "borg create, $(mb "$data_bytes") MB"
  usage_row loadstate "loadstate restore, $(mb "$data_bytes") MB"
  usage_row hardlink "scanstate /hardlink, $(mb "$data_bytes") MB"
  [[ -z $profile_dso ]] || cat <<EOM

### Profile of one capture

\`perf record -F 499\` of \`scanstate\` with the command above, all threads, share of samples.

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
run \`bash bench/migration.sh build/release\` as root. It builds \`scanstate\`, \`loadstate\` and
\`usmtutils\`, installs zstd, time, restic and borgbackup from Debian packages when they are
missing (the tests never do), works in a scratch directory under \`\$TMPDIR\` that it removes, and
rewrites this file. Environment knobs: \`BENCH_MIGRATION_MB\`, \`BENCH_MIGRATION_RUNS\`,
\`BENCH_MIGRATION_SOURCES\`, \`BENCH_MIGRATION_OUTPUT\` (see the script). Not a CTest test:
timings on a shared machine are too noisy to gate a build on.
EOM
} >"$output"
echo "== wrote $output"
cat "$output"
