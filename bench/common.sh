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
