#!/usr/bin/env bash
# Installs what a fresh clone lacks: Debian packages the tests drive (neovim, chromium), then the
# npm packages from the lockfile. Idempotent: does nothing that is already done.
# --npm-only skips the Debian packages (the main job needs none; only the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--npm-only" ] || bash scripts/install-system-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
