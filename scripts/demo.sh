#!/usr/bin/env bash
# `make demo`: builds a scratch machine root under .demo/, then checks, dry-runs and runs
# examples/demo.yaml on it (including the restart and `tseq resume`), and shows what happened.
# Nothing outside .demo/ is touched.
set -euo pipefail
build_dir=${1:-build/dev}
top=$(cd "$(dirname "$0")/.." && pwd)
tseq="$top/$build_dir/tools/tseq/tseq"
demo="$top/.demo"
machine="$demo/pc01"

rm -rf "$demo"
mkdir -p "$machine"/{etc,home/alice/Documents,home/bob/Desktop,var/lib/dpkg,var/run}
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' \
  >"$machine/etc/os-release"
echo pc01 >"$machine/etc/hostname"
printf 'Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\n\n' \
  >"$machine/var/lib/dpkg/status"
echo "quarterly report" >"$machine/home/alice/Documents/report.txt"
: >"$machine/var/run/reboot-required"

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*" | sed "s|$top/||g; s|$build_dir/tools/tseq/||"; }

cd "$top"
section "1. Check the sequence"
show tseq check examples/demo.yaml
"$tseq" check examples/demo.yaml

section "2. Dry run: what would run on this machine, and why (nothing changes)"
show tseq plan examples/demo.yaml --root .demo/pc01
"$tseq" plan examples/demo.yaml --root "$machine"

section "3. Run it (the sequence asks for a restart half-way)"
show tseq run examples/demo.yaml --root .demo/pc01
set +e
"$tseq" run examples/demo.yaml --root "$machine"
code=$?
set -e
echo "exit code $code (3 = restart required, state saved)"
[[ $code -eq 3 ]] || { echo "demo: expected exit code 3" >&2; exit 1; }

section "4. After the 'restart': resume where it stopped"
show tseq resume --root .demo/pc01
"$tseq" resume --root "$machine"

section "5. What happened on the machine"
for file in "$machine"/var/lib/demo/*; do
  printf '%s: %s\n' "${file#$top/}" "$(cat "$file" | tr '\n' ' ')"
done
log="$machine/var/log/tseq/smsts.log"
echo
echo "SMSTS log: ${log#$top/} ($(grep -c '<!\[LOG\[' "$log") records). Some of its phrases:"
grep -o '<!\[LOG\[[^]]*' "$log" | sed 's/<!\[LOG\[/  /' |
  grep -E "skipped because|initiated a reboot|has failed and the execution|Execution engine result|Executing command line: curl|Set variable" |
  head -12
if grep -q "demo-token-0000" -r "$machine/var"; then
  echo "demo: the secret token leaked into the machine's files" >&2
  exit 1
fi
echo
echo "The secret ServiceToken appears nowhere under ${machine#$top/}/var (log and state checked)."
