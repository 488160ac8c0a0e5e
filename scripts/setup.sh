#!/usr/bin/env bash
# Installs what a fresh clone lacks: Debian packages the tests drive (neovim, chromium), the npm
# packages from the lockfile, and code-server in .code-server/ (the end-to-end test's VS Code).
# Idempotent: does nothing that is already done.
# --npm-only skips the Debian packages and code-server (the main job installs code-server itself
# only when no `code` is on the PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--npm-only" ] || bash scripts/install-system-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
[ "${1:-}" = "--npm-only" ] || bash scripts/install-code-server.sh
