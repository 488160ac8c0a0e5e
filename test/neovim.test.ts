// The language server under a third-party LSP client: Neovim's built-in one (0.7+ API), headless.
// test/helpers/nvim-client.lua starts `node bin/cellspec-language-server --stdio` with
// vim.lsp.start_client, attaches the example and a broken copy, waits for their diagnostics,
// asks for hovers with vim.lsp.buf_request_sync and writes everything as JSON; this test checks it.
//
// Neovim is required, not optional: without `nvim` every test here fails and says how to get it
// (scripts/install-system-deps.sh, which CI runs).

import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot, SERVER_BIN } from './helpers/lspClient';

const ROOT = repoRoot();
const EXAMPLES = path.join(ROOT, 'examples');
const SCRIPT = path.join(ROOT, 'test', 'helpers', 'nvim-client.lua');
const RUN_TIMEOUT_MS = 60000;

interface NvimDiagnostic { lnum: number; col: number; end_lnum: number; end_col: number; severity: number; code?: string | number; message: string; source?: string }
interface NvimFile {
  uri: string;
  received: boolean;
  diagnostics: NvimDiagnostic[];
  lsp_diagnostics: unknown[];
  hovers: { position: { line: number; character: number }; text?: string; error?: string }[];
}
interface NvimResult { ok: boolean; error?: string; server_alive?: boolean; hover_provider?: boolean; files: Record<string, NvimFile> }

const VIM_ERROR = 1; // vim.diagnostic.severity.ERROR

function lineOf(text: string, re: RegExp, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (re.test(lines[i])) return i;
  throw new Error(`no line matches ${re}`);
}

/** Fails (never skips) when Neovim is missing: CI installs it with scripts/install-system-deps.sh. */
function requireNvim(): string {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`Neovim ('nvim') is not installed or does not run (${r.error?.message ?? `exit ${r.status}`}). `
      + 'These tests need it: run `bash scripts/install-system-deps.sh` (as root, Debian 12) and try again.');
  }
  const version = /NVIM v(\d+)\.(\d+)/.exec(r.stdout);
  assert.ok(version, `cannot read the Neovim version from: ${r.stdout.split('\n')[0]}`);
  assert.ok(Number(version[1]) > 0 || Number(version[2]) >= 7, `Neovim 0.7 or newer is needed (vim.diagnostic, vim.lsp.start_client); found ${r.stdout.split('\n')[0]}`);
  return r.stdout.split('\n')[0];
}

interface Setup {
  dir: string;
  example: { path: string; text: string; hoverLine: number; liLine: number; liChar: number };
  broken: { path: string; text: string; typoLine: number; unitLine: number };
}

function prepare(): Setup {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-nvim-'));
  const brokenDir = path.join(dir, 'broken');
  fs.mkdirSync(brokenDir);
  for (const f of fs.readdirSync(EXAMPLES)) if (f.endsWith('.cellspec')) fs.copyFileSync(path.join(EXAMPLES, f), path.join(brokenDir, f));
  const examplePath = path.join(EXAMPLES, 'study.cellspec');
  const text = fs.readFileSync(examplePath, 'utf8');
  // The broken copy: a typo in LNT10F's thickness and a current unit for LNT5F5's thickness.
  const typoLine = lineOf(text, /^\s+thickness 15 µm/, lineOf(text, /^composite LNT10F \{/));
  const unitLine = lineOf(text, /^\s+thickness 15 µm/, lineOf(text, /^composite LNT5F5 \{/));
  const lines = text.split('\n');
  lines[typoLine] = lines[typoLine].replace('thickness', 'thicknes');
  lines[unitLine] = lines[unitLine].replace('15 µm', '15 mA');
  const brokenPath = path.join(brokenDir, 'study.cellspec');
  fs.writeFileSync(brokenPath, lines.join('\n'));
  const hoverLine = lineOf(text, /^cell sym-Li symmetric \{/); // inherits the study's 9 mm: area 0.6362 cm²
  const liLine = hoverLine + 1;
  return {
    dir,
    example: { path: examplePath, text, hoverLine, liLine, liChar: text.split('\n')[liLine].indexOf('Li 50 µm') },
    broken: { path: brokenPath, text: lines.join('\n'), typoLine, unitLine },
  };
}

function runNeovim(s: Setup): Promise<NvimResult> {
  const output = path.join(s.dir, 'result.json');
  const jobPath = path.join(s.dir, 'job.json');
  fs.writeFileSync(jobPath, JSON.stringify({
    cmd: [process.execPath, SERVER_BIN, '--stdio'],
    root: EXAMPLES,
    output,
    timeout_ms: 20000,
    files: [
      { name: 'example', path: s.example.path, hovers: [{ line: s.example.hoverLine, character: 1 }, { line: s.example.liLine, character: s.example.liChar + 4 }] },
      { name: 'broken', path: s.broken.path, hovers: [] },
    ],
  }));
  return new Promise((resolve, reject) => {
    const proc = spawn('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${SCRIPT}`], {
      cwd: s.dir, env: { ...process.env, CELLSPEC_NVIM_JOB: jobPath }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (b) => { out += b; });
    proc.stderr.on('data', (b) => { out += b; });
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`nvim did not finish within ${RUN_TIMEOUT_MS} ms; output:\n${out.slice(-4000)}`)); }, RUN_TIMEOUT_MS);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (!fs.existsSync(output)) {
        const err = fs.existsSync(jobPath + '.error.json') ? fs.readFileSync(jobPath + '.error.json', 'utf8') : '';
        reject(new Error(`nvim exited with ${code} and wrote no result ${err}\noutput:\n${out.slice(-4000)}`));
        return;
      }
      const result = JSON.parse(fs.readFileSync(output, 'utf8')) as NvimResult;
      if (!result.ok) { reject(new Error(`the Lua driver failed: ${result.error}\noutput:\n${out.slice(-4000)}`)); return; }
      if (code !== 0) { reject(new Error(`nvim exited with ${code}\noutput:\n${out.slice(-4000)}`)); return; }
      resolve(result);
    });
  });
}

const showAll = (ds: NvimDiagnostic[]) => ds.map((d) => `${d.severity} ${d.code} @${d.lnum}:${d.col}-${d.end_lnum}:${d.end_col}: ${d.message}`).join('\n  ') || '(none)';

describe('Neovim (vim.lsp, headless) drives the language server', function () {
  this.timeout(RUN_TIMEOUT_MS + 30000);
  let setup: Setup | undefined;
  let run: Promise<NvimResult> | undefined;
  /** One Neovim session for all the tests here; each test fails on its own if it cannot run. */
  const result = (): Promise<NvimResult> => {
    if (!run) {
      run = (async () => {
        requireNvim();
        assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'server.js')), "dist/server.js is missing: run 'npm run build' first");
        setup = prepare();
        return runNeovim(setup);
      })();
    }
    return run;
  };
  after(() => { if (setup) fs.rmSync(setup.dir, { recursive: true, force: true }); });

  it('runs the session and the server stays up', async () => {
    const r = await result();
    assert.equal(r.server_alive, true, 'the server was still running when the results were collected');
    assert.equal(r.hover_provider, true, 'Neovim saw the hoverProvider capability');
  });

  it('examples/study.cellspec: diagnostics arrive, zero errors, the above-ccd warnings', async () => {
    const f = (await result()).files.example;
    assert.equal(f.received, true, 'publishDiagnostics for the example reached Neovim');
    const errors = f.diagnostics.filter((d) => d.severity === VIM_ERROR);
    assert.deepEqual(errors, [], `errors:\n  ${showAll(errors)}`);
    const above = f.diagnostics.filter((d) => d.code === 'above-ccd');
    const text = setup!.example.text.split('\n');
    const expected = text.map((l, i) => [l, i] as const).filter(([l]) => /^run (strip-2p0|strip-3p0|sand-series) on half-(Li|LNT10F)-\d \{/.test(l)).map(([, i]) => i);
    assert.deepEqual(above.map((d) => d.lnum).sort((a, b) => a - b), expected, `diagnostics:\n  ${showAll(f.diagnostics)}`);
    assert.equal(f.diagnostics.length, f.lsp_diagnostics.length, 'vim.diagnostic holds what the server published');
  });

  it('the broken copy: unknown-property on the typo line, wrong-dimension on the unit line', async () => {
    const f = (await result()).files.broken;
    const s = setup!.broken;
    assert.equal(f.received, true, 'publishDiagnostics for the broken copy reached Neovim');
    const errors = f.diagnostics.filter((d) => d.severity === VIM_ERROR);
    const typo = errors.filter((d) => d.code === 'unknown-property');
    const unit = errors.filter((d) => d.code === 'wrong-dimension');
    assert.equal(typo.length, 1, `errors:\n  ${showAll(errors)}`);
    assert.equal(unit.length, 1, `errors:\n  ${showAll(errors)}`);
    assert.equal(typo[0].lnum, s.typoLine);
    assert.equal(typo[0].col, s.text.split('\n')[s.typoLine].indexOf('thicknes'), 'starts at the misspelt name (ASCII line: bytes = UTF-16 units)');
    assert.match(typo[0].message, /Did you mean 'thickness'/);
    assert.equal(unit[0].lnum, s.unitLine);
    assert.match(unit[0].message, /mA/);
    // Misspelling the only 'thickness' of LNT10F also makes it missing (reported on the header); nothing else errs.
    const header = lineOf(s.text, /^composite LNT10F \{/);
    for (const d of errors.filter((x) => x !== typo[0] && x !== unit[0])) {
      assert.equal(d.code, 'missing-property', `unexpected error:\n  ${showAll([d])}`);
      assert.equal(d.lnum, header);
    }
  });

  it('hover through vim.lsp.buf_request_sync shows the derived area and the Li inventory', async () => {
    const [onCell, onLi] = (await result()).files.example.hovers;
    assert.equal(onCell.error, undefined, `hover error: ${onCell.error}`);
    assert.match(onCell.text ?? '', /area\*\* = 0\.6362 cm²/, `hover text: ${onCell.text}`);
    assert.match(onCell.text ?? '', /π d²\/4/);
    assert.equal(onLi.error, undefined, `hover error: ${onLi.error}`);
    assert.match(onLi.text ?? '', /Li inventory\*\* = 10\.31 mAh\/cm²/, `hover text: ${onLi.text}`);
  });
});
