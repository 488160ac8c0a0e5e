#!/usr/bin/env node
// Opens the example study in VS Code in the browser: code-server from .code-server/ (installed on
// first use by scripts/install-code-server.sh) with cellspec.vsix installed, serving
// http://127.0.0.1:8080 (the next free port when 8080 is taken) until Ctrl-C. Its settings and
// extensions stay in .code-server/ between runs. `npm run main` calls it when no `code` is on the
// PATH.
//
//   node scripts/open-example.mjs [--port N] [--vsix path]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, '.code-server');
const BIN = join(DIR, 'node_modules', '.bin', 'code-server');

const portFree = (port) => new Promise((res) => {
  const s = createServer();
  s.once('error', () => res(false));
  s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
});

/** Starts code-server on the example study and resolves when it exits (Ctrl-C stops it). */
export async function openExample({ port = 8080, vsix = join(ROOT, 'cellspec.vsix') } = {}) {
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run main (or npm run build && npm run package) first`);
  execFileSync('bash', [join(ROOT, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });

  // XDG folders inside .code-server/: code-server writes its config and state nowhere else.
  const env = { ...process.env, XDG_CONFIG_HOME: join(DIR, 'config'), XDG_DATA_HOME: join(DIR, 'data') };
  const userData = join(DIR, 'user-data');
  const dirs = ['--user-data-dir', userData, '--extensions-dir', join(DIR, 'extensions')];
  const settings = join(userData, 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(dirname(settings), { recursive: true });
    writeFileSync(settings, JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.ignoreRecommendations': true,
      'extensions.autoCheckUpdates': false,
      'telemetry.telemetryLevel': 'off',
    }, null, 2) + '\n');
  }
  // --force: the same version number is rebuilt all the time during development.
  execFileSync(BIN, [...dirs, '--install-extension', vsix, '--force'], { env, stdio: ['ignore', 'inherit', 'inherit'] });

  let free = port;
  while (!(await portFree(free))) {
    if (free >= port + 20) throw new Error(`no free port from ${port} to ${free}`);
    free++;
  }
  const examples = join(ROOT, 'examples');
  const child = spawn(BIN, [...dirs, '--auth', 'none', '--bind-addr', `127.0.0.1:${free}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', examples], { env, stdio: ['ignore', 'pipe', 'pipe'] });

  const authority = `127.0.0.1:${free}`;
  const payload = JSON.stringify([['openFile', `vscode-remote://${authority}${join(examples, 'study.cellspec')}`]]);
  const url = `http://${authority}/?folder=${encodeURIComponent(examples)}&payload=${encodeURIComponent(payload)}`;
  let announced = false;
  const relay = (stream, out) => stream.on('data', (d) => {
    out.write(d);
    if (!announced && String(d).includes('HTTP server listening')) {
      announced = true;
      console.log(`\ncellspec: the example study is open in VS Code (code-server) at\n\n  ${url}\n\n(http://${authority}/ for the workspace alone; Ctrl-C stops it)\n`);
    }
  });
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);

  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((res) => child.on('exit', (code, signal) => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    console.log('cellspec: code-server stopped');
    res(signal ? 0 : code ?? 0);
  }));
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  try {
    process.exitCode = await openExample({
      port: arg('--port') ? Number(arg('--port')) : undefined,
      vsix: arg('--vsix') ? resolve(arg('--vsix')) : undefined,
    });
  } catch (e) {
    console.error(`open-example: ${e.message}`);
    process.exitCode = 1;
  }
}
