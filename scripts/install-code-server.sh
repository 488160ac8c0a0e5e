#!/usr/bin/env bash
# Installs code-server (VS Code in the browser, from npm) into .code-server/ for the end-to-end
# test (test/e2e/codeServer.test.ts) and `npm run main`. VS Code itself cannot be downloaded on
# these machines; code-server can, from npm. Not a dependency of the extension.
# Idempotent: does nothing when .code-server/ already holds a working install of $VERSION.
#
# What makes it work here:
# - code-server 4.100.3 is the newest release for Node 20; its postinstall runs `npm install`
#   in lib/vscode, which builds native modules (node-pty, kerberos, spdlog, ...) against the
#   Debian packages below.
# - @vscode/ripgrep downloads a binary at install time, which fails without the internet; it
#   takes a cached archive instead, so Debian's rg is put where it looks (rg at the top level of
#   $TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-<target>.tar.gz).
# - npm 11 skips dependency install scripts not named in package.json's allowScripts, and
#   rejects an allow-scripts setting in a nested project install (npm passes its config on to
#   the postinstall's own `npm install`). So: install without scripts, name the packages
#   allowed to build in both package.json files, then `npm rebuild`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.100.3
DIR=.code-server
MARKER="$DIR/installed-$VERSION"
BIN="$DIR/node_modules/.bin/code-server"

# Runs code-server without writing ~/.config/code-server (it writes a default config on start).
probe() {
  local v
  v=$(XDG_CONFIG_HOME="$PWD/$DIR/config" "$BIN" --version 2>/dev/null) || return 1
  grep -q "^$VERSION " <<<"$v"
}

if [ -f "$MARKER" ] && [ -x "$BIN" ] && [ -e "$DIR/node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node" ]; then
  echo "install-code-server: code-server $VERSION already installed in $DIR"
  exit 0
fi
started=$(date +%s)

# Debian packages: headers for the native modules, ripgrep for search, chromium for the tests.
export DEBIAN_FRONTEND=noninteractive
missing=()
for pkg in g++ make python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  echo "install-code-server: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
fi

# The ripgrep archive @vscode/ripgrep 1.15.11 would download (x64 Linux; elsewhere it tries).
if [ "$(uname -m)" = x86_64 ]; then
  cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if ! tar tzf "$archive" 2>/dev/null | grep -qx rg; then
    mkdir -p "$cache"
    staging=$(mktemp -d)
    cp "$(command -v rg)" "$staging/rg"
    tar czf "$archive" -C "$staging" rg
    rm -rf "$staging"
  fi
fi

mkdir -p "$DIR"
rm -f "$DIR"/installed-*
cat > "$DIR/package.json" <<EOF
{
  "private": true,
  "description": "code-server for cellspec's end-to-end test and npm run main (scripts/install-code-server.sh)",
  "dependencies": { "code-server": "$VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF
cd "$DIR"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
node -e '
const fs = require("fs");
const f = "node_modules/code-server/lib/vscode/package.json";
const p = JSON.parse(fs.readFileSync(f, "utf8"));
p.allowScripts = Object.fromEntries(["@parcel/watcher", "@vscode/deviceid", "@vscode/ripgrep", "@vscode/spdlog",
  "kerberos", "native-watchdog", "node-pty"].map((n) => [n, true]));
fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");
'
# yes: node-pty runs `npx node-gyp`; unsafe_perm: code-server's postinstall asks for it as root;
# nodedir: node-gyp takes the headers of Debian's nodejs instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ] && [ "$(command -v node)" = /usr/bin/node ]; then
  export npm_config_nodedir=/usr
fi
npm_config_yes=true npm_config_unsafe_perm=true npm rebuild --foreground-scripts --loglevel=error > install.log 2>&1 || {
  tail -40 install.log >&2
  echo "install-code-server: npm rebuild failed (full log in $DIR/install.log)" >&2
  exit 1
}
cd ..

for f in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node @vscode/ripgrep/bin/rg; do
  if [ ! -e "$DIR/node_modules/code-server/lib/vscode/node_modules/$f" ]; then
    echo "install-code-server: $f is missing after the install (see $DIR/install.log)" >&2
    exit 1
  fi
done
if ! probe; then
  echo "install-code-server: $BIN --version does not answer $VERSION" >&2
  exit 1
fi
touch "$MARKER"
echo "install-code-server: code-server $VERSION installed in $DIR ($(du -sh "$DIR" | cut -f1), $(( $(date +%s) - started )) s)"
