#!/usr/bin/env bash
# The system packages the portal needs on Debian/Ubuntu: the one list, used by `make run`, `make test`
# and CI (.ci/run).
#
#   scripts/system_packages.sh run            # Python 3.11 + venv, Pango, HarfBuzz subset, CJK fonts, gettext
#   scripts/system_packages.sh test           # the same, plus poppler-utils and Chromium (browser tests)
#   scripts/system_packages.sh run --dry-run  # say what would be installed, install nothing
#   scripts/system_packages.sh --which-python # print the Python 3.11 to build .venv with
#
# Everything present: prints nothing and exits 0 (one dpkg-query call). Something missing: installs it
# with apt-get (apt-get update first) as root or with passwordless sudo; otherwise prints the one
# command to run and exits 1. PORTAL_SKIP_SYSTEM_PACKAGES=1 skips the check (packages managed elsewhere).
set -euo pipefail

RUN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk fonts-arphic-ukai gettext)
TEST_PACKAGES=(poppler-utils chromium)
PYTHON_PACKAGES=(python3.11 python3.11-venv)

PYTHON="${PYTHON:-python3.11}"
SYSTEM_PYTHON="${PORTAL_SYSTEM_PYTHON:-/usr/bin/python3.11}"  # what python3.11 installs on Debian
CHROMIUM="${PORTAL_CHROMIUM:-/usr/bin/chromium}"

usage() {
  echo "usage: $0 run|test [--dry-run]  |  $0 --which-python" >&2
  exit 2
}

# A Python 3.11 that can create a virtualenv (venv + ensurepip): $PYTHON first (a pyenv shim, say),
# then Debian's /usr/bin/python3.11. Prints nothing if there is none.
which_python() {
  local candidate
  for candidate in "$PYTHON" "$SYSTEM_PYTHON"; do
    if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
}

# The packages of "$@" that dpkg does not report as installed, one call for all of them.
missing_of() {
  local installed
  installed="$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '$NF == "installed" && $(NF-1) == "ok" {print $1}' || true)"
  local pkg
  for pkg in "$@"; do
    grep -qxF "$pkg" <<<"$installed" || echo "$pkg"
  done
}

mode=""
dry_run=0
for arg in "$@"; do
  case "$arg" in
    run | test) mode="$arg" ;;
    --dry-run) dry_run=1 ;;
    --which-python) which_python; exit 0 ;;
    *) usage ;;
  esac
done
[ -n "$mode" ] || usage

if [ "${PORTAL_SKIP_SYSTEM_PACKAGES:-}" = "1" ]; then
  exit 0
fi

wanted=("${RUN_PACKAGES[@]}")
if [ "$mode" = test ]; then
  wanted+=(poppler-utils)
  # Any Chromium at $PORTAL_CHROMIUM will do; Debian's package otherwise.
  [ -x "$CHROMIUM" ] || wanted+=(chromium)
fi
[ -n "$(which_python)" ] || wanted+=("${PYTHON_PACKAGES[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system (no dpkg-query): make sure the equivalents of these are installed:" >&2
  echo "  ${wanted[*]}" >&2
  exit 0
fi

mapfile -t missing < <(missing_of "${wanted[@]}")
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "System packages missing for 'make $mode': ${missing[*]}"
install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$dry_run" = 1 ]; then
  echo "Would run: $install"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "Install them with (needs root), then run 'make $mode' again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

mapfile -t still < <(missing_of "${missing[@]}")
if [ "${#still[@]}" -ne 0 ]; then
  echo "Still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
if [ -z "$(which_python)" ]; then
  echo "No Python 3.11 with venv found ($PYTHON, $SYSTEM_PYTHON)." >&2
  exit 1
fi
