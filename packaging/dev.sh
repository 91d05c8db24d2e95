#!/usr/bin/env bash
# Sets up everything finpics-desktop needs on a Debian/Ubuntu machine with Python 3.11+, then
#   bash packaging/dev.sh app [ARGS...]   opens the window on the embedded local library
#   bash packaging/dev.sh test [ARGS...]  runs the whole test suite (what .ci/run calls)
#   bash packaging/dev.sh env             only sets up, prints the venv's path
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${FINPICS_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}

# System libraries Qt needs (offscreen and X11/Wayland), venv support, binutils (PyInstaller).
DEB_PACKAGES="python3-venv binutils libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libglib2.0-0 fonts-dejavu-core"

install_debs() {
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for p in $DEB_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

setup() {
  install_debs
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  local stamp="$VENV/.finpics-installed"
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
    echo "$want" > "$stamp"
  fi
}

cmd=${1:-app}
shift || true
case "$cmd" in
  env) setup; echo "$VENV" ;;
  app) setup; exec "$VENV/bin/finpics-desktop" "$@" ;;
  test)
    setup
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *) echo "usage: $0 {app|test|env} [ARGS...]" >&2; exit 2 ;;
esac
