#!/usr/bin/env bash
# Installs what only the benchmark needs: Debian's python3-pandas, the point of comparison of
# bench/pandas.ts (the text readers against pandas' C engine). Not part of setup.sh: the tests and
# CI do not need it. Idempotent: apt is not touched when /usr/bin/python3 already imports pandas.
# Without root (or sudo) or apt-get it says so and exits 0: the bench then skips the comparison.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
PY=/usr/bin/python3 # Debian's interpreter, whatever python3 a version manager puts first on PATH

if [ -x "$PY" ] && "$PY" -c 'import pandas' 2>/dev/null; then
  echo "install-bench-deps: python3-pandas already installed (pandas $("$PY" -c 'import pandas; print(pandas.__version__)'))"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "install-bench-deps: need root (or sudo) to install python3-pandas; the pandas comparison will be skipped" >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-deps: apt-get not found; install pandas for $PY by hand; the pandas comparison will be skipped" >&2
  exit 0
fi

echo "install-bench-deps: installing python3-pandas"
if "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold python3-pandas; then
  echo "install-bench-deps: done"
else
  echo "install-bench-deps: python3-pandas did not install; the pandas comparison will be skipped" >&2
fi
