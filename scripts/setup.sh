#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test Vetdesk.
# Idempotent: every step checks first and does nothing when its part is present.
# Usage: scripts/setup.sh [system|node|tools|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Tauri's Linux build dependencies, the X server and WebDriver used by the
# end-to-end tests, the PDF tools the report tests read reports back with, and what the
# encryption tests run for real: a Secret Service on a private D-Bus session (dbus-daemon,
# gnome-keyring) and the sqlcipher shell; faketime runs the CLI at another date (retention);
# PostgreSQL (server and contrib's unaccent), which the team-mode tests start as a throwaway
# cluster of their own (crates/vetdesk-testkit/src/pg.rs).
APT_PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  xvfb xauth webkit2gtk-driver
  poppler-utils qpdf zip unzip python3
  dbus-daemon gnome-keyring sqlcipher
  jq time faketime
  postgresql
)
TAURI_DRIVER_VERSION="2.1.0"

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

setup_system() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Vite 8 and its plugins need Node 20.19+ (or 22.12+).
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19

setup_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup: Node.js $NODE_MIN_MAJOR.$NODE_MIN_MINOR+ and npm are needed to build ui/; install them first" >&2
    exit 1
  fi
  local version major minor
  version="$(node --version)"; version="${version#v}"
  major="${version%%.*}"; minor="${version#*.}"; minor="${minor%%.*}"
  if [ "$major" -lt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -lt "$NODE_MIN_MINOR" ]; }; then
    echo "setup: Node.js $version is too old for ui/ (need $NODE_MIN_MAJOR.$NODE_MIN_MINOR+)" >&2
    exit 1
  fi
  # npm ci only when the lock file changed since the last install.
  if [ -f ui/package-lock.json ]; then
    if [ ! -f ui/node_modules/.vetdesk-lock ] || ! cmp -s ui/package-lock.json ui/node_modules/.vetdesk-lock; then
      echo "setup: installing npm packages for ui/"
      (cd ui && npm ci --no-audit --no-fund --loglevel=error)
      cp ui/package-lock.json ui/node_modules/.vetdesk-lock
    fi
  fi
}

setup_tools() {
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "setup: installing tauri-driver $TAURI_DRIVER_VERSION"
    cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION"
  fi
}

case "${1:-all}" in
  system) setup_system ;;
  node) setup_node ;;
  tools) setup_tools ;;
  all) setup_system; setup_node; setup_tools ;;
  *) echo "usage: $0 [system|node|tools|all]" >&2; exit 2 ;;
esac
