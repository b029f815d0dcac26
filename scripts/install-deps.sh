#!/usr/bin/env bash
# Installs the Debian 12 packages tseq needs to build and test. Idempotent: packages that are
# already present are left alone, and apt is not touched at all when nothing is missing.
# Must run as root (or with sudo available) on a Debian 12 machine.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev clang-format clang-tidy
  libyaml-cpp-dev libboost-dev libboost-filesystem-dev libfmt-dev libspdlog-dev
  libssl-dev libzstd-dev zstd doctest-dev libcli11-dev nlohmann-json3-dev
  libsqlite3-dev libarchive-dev libacl1-dev
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "tseq: installing missing packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "tseq: need root to install packages (${missing[*]}); run as root or install sudo" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
