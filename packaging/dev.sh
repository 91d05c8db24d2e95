#!/usr/bin/env bash
# Sets up everything finpics-desktop needs on a Debian/Ubuntu machine with Python 3.11+, then
#   bash packaging/dev.sh app [ARGS...]    opens the window on the embedded local library
#   bash packaging/dev.sh test [ARGS...]   runs the whole test suite (what .ci/run calls)
#   bash packaging/dev.sh tier NAME [ARGS...]  runs one tier: fast, cloud, gui, reliability,
#                                          packaging (see docs/development.md, "Tiers")
#   bash packaging/dev.sh lock [--upgrade] re-resolves packaging/dev-lock.txt (--upgrade: to
#                                          the newest versions pyproject.toml allows)
#   bash packaging/dev.sh env              only sets up, prints the venv's path
# The venv holds packaging/dev-lock.txt's versions (checked by their hashes), then the project
# itself (editable, no dependencies of its own resolved): what the tests run on never changes by
# itself when something is released. (A package dropped from the lock stays in an older venv
# until it is made anew: rm -r .venv.)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${FINPICS_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
LOCK=packaging/dev-lock.txt
TIERS="cloud gui reliability packaging"

# System libraries Qt needs (offscreen and X11/Wayland), venv support, binutils (PyInstaller),
# exiftool (the tests read published copies with it: no location field left; they write face
# regions with it as digiKam, Lightroom and Windows do, and read exported sidecars back).
DEB_PACKAGES="python3-venv binutils libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libglib2.0-0 fonts-dejavu-core
  libimage-exiftool-perl"

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

pip() {
  "$VENV/bin/python" -m pip --disable-pip-version-check "$@"
}

setup() {
  install_debs
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.finpics-installed"
  local want
  want=$(cat pyproject.toml "$LOCK" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    pip install -q --require-hashes --no-deps -r "$LOCK"
    pip install -q --no-deps --no-build-isolation -e .
    pip check >&2
    echo "$want" > "$stamp"
  fi
}

# pytest's -m expression of a tier: each slow family by name, the fast tier as none of them.
tier_expression() {
  local name=$1
  if [ "$name" = fast ]; then
    local expr="" t
    for t in $TIERS; do expr="${expr:+$expr and }not $t"; done
    echo "$expr"
  else
    local t
    for t in $TIERS; do
      [ "$name" = "$t" ] && { echo "$name"; return; }
    done
    echo "unknown tier '$name' (choose from: fast $TIERS)" >&2
    exit 2
  fi
}

lock() {
  # uv from the lock as it is (not the whole set-up: after pyproject.toml changed, the project's
  # new dependencies are not installed yet, and that is what this is about to resolve)
  install_debs
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  [ -x "$VENV/bin/uv" ] || pip install -q --require-hashes --no-deps -r "$LOCK"
  local before
  before=$(grep -E '^[A-Za-z0-9].*==' "$LOCK" | sed 's/ \\$//' || true)
  "$VENV/bin/uv" pip compile --quiet --universal --generate-hashes --python-version 3.11 \
    --custom-compile-command "bash packaging/dev.sh lock" \
    pyproject.toml packaging/dev-lock.in --extra test -o "$LOCK" "$@"
  local after
  after=$(grep -E '^[A-Za-z0-9].*==' "$LOCK" | sed 's/ \\$//')
  if [ "$before" = "$after" ]; then
    echo "$LOCK: nothing moved"
  else
    echo "$LOCK moved (- before, + now); \`bash packaging/dev.sh test\` installs it and says what broke:"
    diff <(echo "$before") <(echo "$after") | grep -E '^[<>]' | sed 's/^</-/; s/^>/+/' || true
  fi
}

cmd=${1:-app}
shift || true
case "$cmd" in
  env) setup; echo "$VENV" ;;
  app) setup; exec "$VENV/bin/finpics-desktop" "$@" ;;
  test | tier)
    expr=""
    if [ "$cmd" = tier ]; then
      [ $# -ge 1 ] || { echo "usage: $0 tier {fast|${TIERS// /|}} [ARGS...]" >&2; exit 2; }
      expr=$(tier_expression "$1")
      shift
    fi
    setup
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    if [ -n "$expr" ]; then
      exec "$VENV/bin/python" -m pytest -m "$expr" "$@"
    fi
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  lock) lock "$@" ;;
  *) echo "usage: $0 {app|test|tier|lock|env} [ARGS...]" >&2; exit 2 ;;
esac
