#!/usr/bin/env bash
# Installs what a fresh clone lacks: Debian packages the tests drive (neovim, chromium), then the
# npm packages from the lockfile. Idempotent: does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
