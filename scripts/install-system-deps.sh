#!/usr/bin/env bash
# Installs the Debian packages the tests drive: neovim (a third-party LSP client for
# test/neovim.test.ts) and chromium (headless browser checks). Idempotent: a package already
# installed is skipped, and apt is not touched at all when nothing is missing. Non-interactive;
# meant for root on Debian 12 (uses sudo when run as another user and sudo exists).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# package name -> command that proves it is usable
declare -A WANT=(
  [neovim]=nvim
  [chromium]=chromium
)

installed() {
  # dpkg knows it as installed, and its command is on PATH.
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' && command -v "$2" >/dev/null 2>&1
}

missing=()
for pkg in neovim chromium; do
  if installed "$pkg" "${WANT[$pkg]}"; then
    echo "install-system-deps: $pkg already installed ($(command -v "${WANT[$pkg]}"))"
  else
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: nothing to install"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "install-system-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: apt-get not found; install these by hand: ${missing[*]}" >&2
  exit 1
fi

echo "install-system-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

for pkg in "${missing[@]}"; do
  if ! installed "$pkg" "${WANT[$pkg]}"; then
    echo "install-system-deps: $pkg did not install (no '${WANT[$pkg]}' on PATH)" >&2
    exit 1
  fi
done
echo "install-system-deps: done"
