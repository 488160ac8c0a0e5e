// The whole extension in a real VS Code: code-server (installed by scripts/install-code-server.sh)
// with the packaged .vsix, driven by Debian's Chromium through playwright-core, on a copy of
// examples/ as the workspace. What a person would do: open the example study, read its problems,
// hover a derived value, open the preview, see its charts, edit the spec and watch the preview
// follow, click a chart to get back to its run, export the results, lock the preview, reload the
// window, open the preview from a code lens; and in restricted mode, see no data until the folder
// is trusted. Getting started, from an empty folder: the walkthrough, New Study ending in a clean
// plan, the derived values, Open Example Study, and the README in the Extensions view.
// Screenshots go to test-artifacts/ (failure-*.png and code-server.log on a failure).
import { strict as assert } from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium, Frame, Page } from 'playwright-core';
import { packageVsix } from '../helpers/vsix';

// The page-side callbacks of frame.evaluate run in the browser; the tests compile without the DOM library.
declare const document: any;
declare const window: any;

/**
 * Waits are watchdogs, not durations: each is several times what the step takes on an idle
 * machine, and three times more again, because a loaded machine (CI beside other work) runs the
 * editor, the server and Chromium on two cores.
 */
const patient = (ms: number): number => ms * 3;

const ROOT = path.resolve(__dirname, '../../..');
const CODE_SERVER = path.join(ROOT, '.code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Polls `probe` until it returns a value (not undefined/false) or `ms` have passed. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined | false> | T | undefined | false, every = 250): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Ends a process group we started (code-server and its server and extension host children). */
async function killGroup(child: ChildProcess | undefined) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000));
  if (await Promise.race([exited.then(() => 'exited' as const), timer]) === 'timeout') {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    await exited;
  }
}

/** One code-server with the packaged extension and one Chromium page on it. */
let tmp = '';
let workspaceDir = '';
let server: ChildProcess | undefined;
let serverLog = '';
let context: BrowserContext | undefined;
let page: Page;

async function shot(name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

interface SessionOptions {
  /** VS Code asks whether to trust the folder, and the answer is no. */
  restricted?: boolean;
  /** The folder opened: a copy of examples/ (in workspace/examples), or an empty one. */
  workspace?: 'examples' | 'empty';
}

/**
 * Starts code-server on a folder (a copy of examples/, or an empty one) with the .vsix of this
 * build installed, and opens it in Chromium.
 */
async function startSession({ restricted = false, workspace = 'examples' }: SessionOptions = {}) {
  if (!fs.existsSync(CODE_SERVER)) throw new Error(`code-server is not installed: run bash scripts/install-code-server.sh (looked for ${CODE_SERVER})`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/install-system-deps.sh`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview.js'))) throw new Error('dist/ is not built: run npm run build');

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-e2e-'));
  serverLog = '';
  workspaceDir = path.join(tmp, 'workspace');
  if (workspace === 'examples') fs.cpSync(path.join(ROOT, 'examples'), path.join(workspaceDir, 'examples'), { recursive: true });
  else fs.mkdirSync(workspaceDir, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  // A quiet, predictable window: no welcome page, tips, update checks or gallery look-ups.
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'security.workspace.trust.enabled': restricted,
    'security.workspace.trust.startupPrompt': 'always',
    'editor.minimap.enabled': false,
    'chat.commandCenter.enabled': false,
  }, null, 2));

  // The .vsix of this build, packaged the way users get it (only what .vscodeignore lets in).
  const vsix = path.join(tmp, 'cellspec.vsix');
  packageVsix(vsix);
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data') };
  const dirs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  const installed = execFileSync(CODE_SERVER, [...dirs, '--install-extension', vsix], { env, encoding: 'utf8', timeout: patient(60_000) });
  assert.match(installed, /successfully installed/);

  const port = await freePort();
  server = spawn(CODE_SERVER, [...dirs, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', ...(restricted ? [] : ['--disable-workspace-trust']), workspaceDir],
  { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => { serverLog += d; });
  server.stderr!.on('data', (d) => { serverLog += d; });
  await until('code-server to listen', 60_000, () => {
    if (server!.exitCode !== null) throw new Error(`code-server exited: ${serverLog}`);
    return serverLog.includes('HTTP server listening');
  });

  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
  });
  page = context.pages()[0] ?? await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceDir)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: patient(60_000) });
}

async function stopSession() {
  await context?.close().catch(() => undefined);
  context = undefined;
  await killGroup(server);
  server = undefined;
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = '';
}

/**
 * Mocha hooks: a session per block; when a test fails, a screenshot and the server's log, and the
 * block's later tests are skipped (each builds on the one before; mocha's bail would stop every
 * other test file too).
 */
function session(opts: SessionOptions = {}) {
  let broken = false;
  before(async function () {
    this.timeout(patient(180_000));
    await startSession(opts);
  });
  beforeEach(function () {
    if (broken) this.skip();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !context) return;
    broken = true;
    await shot(`failure-${this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60)}`).catch(() => undefined);
    fs.writeFileSync(path.join(ARTIFACTS, 'code-server.log'), serverLog);
  });
  after(async function () {
    this.timeout(patient(30_000));
    await stopSession();
  });
}

/** Opens the quick input with a key, pressing it again if a busy window dropped the key. */
async function quickInput(key: string) {
  const input = page.locator('.quick-input-widget input');
  await until(`the quick input (${key})`, 20_000, async () => {
    if (await input.isVisible()) return true;
    await page.keyboard.press(key);
    return input.waitFor({ state: 'visible', timeout: 4_000 }).then(() => true, () => false);
  }, 0);
  return input;
}

/**
 * Runs a command from the palette by its title, as a person would. `asks`: the command asks
 * something in the quick input itself (a folder), so the palette gives way to its question.
 */
async function runCommand(title: string, { asks = false } = {}) {
  const input = await quickInput('F1');
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: patient(10_000) });
  await page.keyboard.press('Enter');
  if (asks) await until('the command\'s question', 10_000, async () => !(await input.inputValue()).startsWith('>'));
  else await input.waitFor({ state: 'hidden', timeout: patient(10_000) });
}

/** Focuses the spec's editor (an open webview keeps the keyboard focus otherwise). */
async function focusEditor(tab = 'study.cellspec') {
  await page.locator('.tabs-container .tab', { hasText: tab }).first().click();
  await page.locator('.editor-instance .monaco-editor textarea').first().focus();
}

/** Puts the cursor at a 1-based line and column with Go to Line. */
async function goTo(line: number, column: number) {
  await focusEditor();
  const input = await quickInput('Control+G');
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: patient(10_000) });
  await until(`the cursor at ${line}:${column}`, 10_000, () => page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).count().then((n) => n > 0));
}

/** The page inside the preview's webview (VS Code nests it in two iframes). */
async function previewFrame(): Promise<Frame> {
  return until('the preview page', 60_000, async () => {
    for (const f of page.frames()) {
      if (f === page.mainFrame() || f.isDetached()) continue;
      if (await f.locator('body[data-state="ready"] h1.title').count().catch(() => 0)) return f;
    }
    return undefined;
  }, 500);
}

/** Opens a file of the workspace with Quick Open in the editor group that has the focus. */
async function quickOpen(name: string) {
  const input = await quickInput('Control+P');
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: patient(30_000) });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: patient(10_000) });
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: patient(30_000) });
}

/** The title of the preview's tab. */
const previewTab = (title: string | RegExp) => page.locator('.tabs-container .tab', { hasText: title }).first();

/** The preview has drawn the charts of the current version, data included. */
const chartsDrawn = (frame: Frame, min = 5) => until('the charts', 60_000, () => frame.evaluate((n: number) =>
  !document.body.classList.contains('data-pending') && document.body.dataset.state === 'ready'
  && document.querySelectorAll('.chart-card svg').length >= n, min), 500);

const studyText = () => fs.readFileSync(path.join(workspaceDir, 'examples', 'study.cellspec'), 'utf8');

describe('VS Code end to end (code-server + Chromium)', function () {
  this.timeout(patient(120_000));
  session();

  it('opens the example study with the language server running', async () => {
    await quickOpen('study.cellspec');
    await page.locator('.view-lines', { hasText: 'Mitigating Li void formation' }).first().waitFor({ timeout: patient(30_000) });
    // The language is ours (status bar) and the server has drawn its derived values as inlay hints.
    await page.locator('.statusbar-item', { hasText: /^cellspec$/ }).first().waitFor({ timeout: patient(30_000) });
    await page.locator('.view-lines', { hasText: 'area 0.6362 cm²' }).first().waitFor({ timeout: patient(60_000) });
    await shot('1-editor');
  });

  it('lists the study\'s problems in the Problems panel', async () => {
    await focusEditor();
    await runCommand('View: Focus Problems');
    const rows = page.locator('.markers-panel .monaco-list-row');
    // The above-ccd warnings come from the spec; plan-mismatch from its data (read in the worker).
    const text = await until('above-ccd and data warnings in the Problems panel', 60_000, async () => {
      const all = (await rows.allInnerTexts()).join('\n');
      return /above the known CCD/.test(all) && /above-ccd/.test(all) && /plan-mismatch/.test(all) ? all : undefined;
    });
    assert.match(text, /planned current 2 mA\/cm² is above the known CCD of Li \(0\.8 mA\/cm²\)/);
    await shot('2-problems');
  });

  it('links a problem\'s code to its documentation', async () => {
    // The code column is a link (LSP codeDescription) to its row in the shipped docs/diagnostics.md.
    const link = page.locator('.markers-panel .monaco-list-row a', { hasText: 'above-ccd' }).first();
    await link.waitFor({ timeout: patient(20_000) });
    await link.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'diagnostics.md' }).first().waitFor({ timeout: patient(20_000) });
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'diagnostics.md'), 'utf8').split('\n');
    const line = docs.findIndex((l) => l.includes('`above-ccd`')) + 1;
    await until(`the cursor on line ${line} of diagnostics.md`, 20_000, () => page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col 1$`) }).count().then((n) => n > 0));
    await shot('2b-diagnostic-docs');
    const tab = page.locator('.tabs-container .tab', { hasText: 'diagnostics.md' }).first();
    await tab.hover();
    await tab.locator('.codicon-close').click();
    await tab.waitFor({ state: 'detached', timeout: patient(10_000) });
  });

  it('hovers a derived value: the area of the 9 mm disc', async () => {
    const lines = studyText().split('\n');
    const line = lines.findIndex((l) => /^\s*diameter 9 mm/.test(l)) + 1;
    assert.ok(line > 0, 'the study has a diameter line');
    await goTo(line, lines[line - 1].indexOf('9') + 1);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover-content').first();
    const text = await until('the hover', 20_000, async () => {
      const t = (await hover.innerText().catch(() => '')).replace(/\s+/g, ' ');
      return /area/.test(t) ? t : undefined;
    });
    assert.match(text, /area = 0\.6362 cm²/);
    await shot('3-hover');
    await page.keyboard.press('Escape');
  });

  it('opens the preview beside the editor and draws the charts', async () => {
    await focusEditor();
    await runCommand('cellspec: Open Preview to the Side');
    await page.locator('.tabs-container .tab', { hasText: 'Preview study.cellspec' }).first().waitFor({ timeout: patient(30_000) });
    const frame = await previewFrame();
    // Data results arrive after the spec's model: wait for the charts of every run with data.
    const counts = await until('charts drawn as SVG', 60_000, async () => {
      const c = await frame.evaluate(() => ({
        pending: document.body.classList.contains('data-pending'),
        charts: document.querySelectorAll('.charts svg').length,
        marks: document.querySelectorAll('.charts svg [class*="mark-"] path, .charts svg [class*="mark-"] line').length,
        title: document.querySelector('h1.title')?.textContent ?? '',
      }));
      return !c.pending && c.charts >= 5 && c.marks >= 20 ? c : undefined;
    }, 500);
    assert.match(counts.title, /Mitigating Li void formation/);
    // The editor kept the focus: the preview opened beside it, not over it.
    assert.equal(await page.locator('.editor-group-container').count() >= 2, true, 'two editor groups');
    await shot('4-preview');
    // The preview's group alone: its export buttons (the walkthrough's export step shows it).
    await page.locator('.editor-group-container').nth(1).screenshot({ path: path.join(ARTIFACTS, '4b-preview-export.png') });
  });

  it('follows edits in place: a new title, no page reload', async () => {
    const frame = await previewFrame();
    const before = await frame.evaluate(() => {
      (window as unknown as { e2eMarker?: number }).e2eMarker = 42;
      return Number(document.body.dataset.version);
    });
    const lines = studyText().split('\n');
    const line = lines.findIndex((l) => l.startsWith('study "')) + 1;
    await goTo(line, 'study "'.length + 1);
    await page.keyboard.type('Edited: ');
    const after = await until('the preview to show the edit', 20_000, () => frame.evaluate(() => {
      const t = document.querySelector('h1.title')?.textContent ?? '';
      return t.startsWith('Edited: ') ? { version: Number(document.body.dataset.version), marker: (window as unknown as { e2eMarker?: number }).e2eMarker } : undefined;
    }));
    assert.ok(after.version > before, `version ${after.version} after ${before}`);
    assert.equal(after.marker, 42, 'the page was updated, not reloaded');
    await shot('5-edited');
    await page.keyboard.press('Control+Z');
    await until('the preview to show the undo', 20_000, () => frame.evaluate(() =>
      !(document.querySelector('h1.title')?.textContent ?? '').startsWith('Edited: ')));
    await chartsDrawn(frame);
  });

  it('reveals a chart\'s run in the editor when the chart is clicked', async () => {
    const frame = await previewFrame();
    // The edit above started a new data analysis: wait for its charts.
    await chartsDrawn(frame, 2);
    const card = frame.locator('.chart-card').nth(1);
    const line = Number(await card.getAttribute('data-line'));
    assert.ok(line > 1, `the chart names its line (${line})`);
    await card.locator('.chart').click({ position: { x: 10, y: 10 } });
    await until(`the cursor on line ${line}`, 20_000, () => page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col 1$`) }).count().then((n) => n > 0));
    await shot('6-revealed');
  });

  it('saves the results as CSV only where the user chose', async () => {
    const frame = await previewFrame();
    const target = path.join(workspaceDir, 'examples', 'e2e-results.csv');
    await frame.locator('vscode-button[data-export="csv"]').click();
    // VS Code's own save dialog (in the browser: a path in the quick input).
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: patient(20_000) });
    await until('the suggested file name', 10_000, async () => /study-results\.csv$/.test(await input.inputValue()));
    await input.fill(target);
    await page.keyboard.press('Enter');
    const csv = await until('the CSV file', 20_000, () => fs.existsSync(target) && fs.readFileSync(target, 'utf8'));
    assert.match(csv.split('\n')[0], /run/i);
    assert.ok(csv.split('\n').length > 10, 'a row per result');
  });

  it('follows the active spec unless locked', async () => {
    await focusEditor();
    await quickOpen('materials.cellspec');
    await previewTab('Preview materials.cellspec').waitFor({ timeout: patient(20_000) });
    await page.locator('.tabs-container .tab', { hasText: 'study.cellspec' }).first().click();
    await previewTab('Preview study.cellspec').waitFor({ timeout: patient(20_000) });
    await focusEditor();
    await runCommand('cellspec: Toggle Preview Lock');
    await previewTab('[Locked] Preview study.cellspec').waitFor({ timeout: patient(20_000) });
    await page.locator('.tabs-container .tab', { hasText: 'materials.cellspec' }).first().click();
    await page.waitForTimeout(1000);
    assert.equal(await previewTab('[Locked] Preview study.cellspec').count(), 1, 'the locked preview stays on the study');
    await page.locator('.editor-instance .monaco-editor textarea').first().focus();
    await runCommand('cellspec: Toggle Preview Lock');
    await previewTab('Preview materials.cellspec').waitFor({ timeout: patient(20_000) });
    await page.locator('.tabs-container .tab', { hasText: 'study.cellspec' }).first().click();
    await previewTab('Preview study.cellspec').waitFor({ timeout: patient(20_000) });
    await until('the preview of the study', 20_000, async () => /^study\.cellspec/.test(await (await previewFrame()).locator('.subtitle').innerText()));
  });

  it('comes back after a window reload (serializer and page state)', async () => {
    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: patient(60_000) });
    // The panel is back (it shows the spec of the editor VS Code made active: it follows it).
    await previewTab(/Preview (study|materials)\.cellspec/).waitFor({ timeout: patient(60_000) });
    await previewFrame();
    await page.locator('.tabs-container .tab', { hasText: 'study.cellspec' }).first().click();
    await previewTab('Preview study.cellspec').waitFor({ timeout: patient(20_000) });
    await chartsDrawn(await previewFrame());
  });

  it('opens the preview from the code lens on a run', async () => {
    const tab = previewTab('Preview study.cellspec');
    await tab.hover();
    await tab.locator('.codicon-close').click();
    await tab.waitFor({ state: 'detached', timeout: patient(20_000) });
    await focusEditor();
    const lines = studyText().split('\n');
    const run = lines.findIndex((l) => l.startsWith('run ')) + 1;
    await goTo(run, 1);
    await page.locator('.codelens-decoration a', { hasText: 'Open Preview to the Side' }).first().click();
    await previewTab('Preview study.cellspec').waitFor({ timeout: patient(30_000) });
    await chartsDrawn(await previewFrame());
  });
});

describe('VS Code end to end: restricted mode', function () {
  this.timeout(patient(120_000));
  session({ restricted: true });

  it('reads no data files until the folder is trusted', async () => {
    // VS Code asks at once; "No" opens the folder in restricted mode.
    await page.locator('.monaco-dialog-box a.monaco-button', { hasText: /No, I don.t trust/ }).click({ timeout: patient(60_000) });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: patient(20_000) });
    await quickOpen('study.cellspec');
    await page.locator('.view-lines', { hasText: 'area 0.6362 cm²' }).first().waitFor({ timeout: patient(60_000) });
    await focusEditor();
    await runCommand('cellspec: Open Preview to the Side');
    const frame = await previewFrame();
    // The plan's predictions, no data results; and nothing pending that will never come.
    const restricted = await until('the preview of the plan alone', 30_000, () => frame.evaluate(() => {
      const predictions = document.querySelectorAll('[data-section="predictions"] tbody tr').length;
      return predictions > 0 ? {
        pending: document.body.classList.contains('data-pending'),
        charts: document.querySelectorAll('.chart-card').length,
        predictions,
      } : undefined;
    }));
    assert.deepEqual({ pending: restricted.pending, charts: restricted.charts }, { pending: false, charts: 0 });
    await shot('7-restricted');

    // Trusting the folder (client → server cellspec/trusted) brings the data results.
    await focusEditor();
    await runCommand('Workspaces: Manage Workspace Trust');
    await page.locator('.workspace-trust-editor a.monaco-button', { hasText: /^Trust$/ }).first().click({ timeout: patient(20_000) });
    await chartsDrawn(frame);
  });
});

/** The Problems panel says it found nothing (its message when the workspace has no problems). */
async function noProblems(): Promise<void> {
  await runCommand('View: Focus Problems');
  await until('an empty Problems panel', 60_000, async () => {
    const message = await page.locator('.markers-panel .message-box-container').innerText().catch(() => '');
    const rows = await page.locator('.markers-panel .monaco-list-row').count();
    return rows === 0 && /No problems have been detected/.test(message);
  }, 500);
}

/** Chooses a folder in VS Code's own open dialog (in the browser: a path in the quick input). */
async function chooseFolder(folder: string) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: patient(20_000) });
  // The dialog fills in its own starting folder after it shows: typed over before, the two would join.
  await until('the dialog\'s starting folder', patient(10_000), async () => (await input.inputValue()).length > 0);
  await input.fill(folder.endsWith('/') ? folder : `${folder}/`);
  // The dialog lists the folder's entries once it has read it; Enter then picks the folder.
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: patient(20_000) });
}

describe('VS Code end to end: getting started from an empty folder', function () {
  this.timeout(patient(120_000));
  session({ workspace: 'empty' });

  it('shows the walkthrough on the Get Started page', async () => {
    await runCommand('Welcome: Open Walkthrough...', { asks: true });
    const input = page.locator('.quick-input-widget input');
    await input.fill('cellspec');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get started with cellspec' }).first().waitFor({ timeout: patient(20_000) });
    await page.keyboard.press('Enter');
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    await steps.first().waitFor({ timeout: patient(30_000) });
    const titles = (await steps.locator('.step-title').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(titles, ['Open the example study', 'Write a plan with completion', 'Hover a derived value', 'Open the preview', 'Export charts and results']);
    // The first step's media (a Markdown page in a webview) shows its screenshot.
    const loaded = await until('the step\'s image', 30_000, async () => {
      for (const f of page.frames()) {
        if (f === page.mainFrame() || f.isDetached()) continue;
        const ok = await f.evaluate(() => [...document.querySelectorAll('img')].some((i: any) => i.complete && i.naturalWidth > 100)).catch(() => false);
        if (ok) return true;
      }
      return undefined;
    }, 500);
    assert.ok(loaded);
    await shot('10-walkthrough');
  });

  it('New Study writes a plan into the open folder that checks clean', async () => {
    await runCommand('cellspec: New Study');
    const file = path.join(workspaceDir, 'study.cellspec');
    await page.locator('.tabs-container .tab.active', { hasText: 'study.cellspec' }).first().waitFor({ timeout: patient(30_000) });
    assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(ROOT, 'templates', 'new-study.cellspec'), 'utf8'));
    // The server has read it (its derived values are drawn), and it has no problems at all.
    await page.locator('.view-lines', { hasText: 'area 0.7854 cm²' }).first().waitFor({ timeout: patient(60_000) });
    await noProblems();
    // The [cellspec] defaults: two spaces.
    await focusEditor();
    await page.locator('.statusbar-item', { hasText: /^Spaces: 2$/ }).first().waitFor({ timeout: patient(10_000) });
    await shot('11-new-study');
  });

  it('completes the properties of a block while typing', async () => {
    const lines = fs.readFileSync(path.join(workspaceDir, 'study.cellspec'), 'utf8').split('\n');
    const stack = lines.findIndex((l) => l.includes('stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu')) + 1;
    await goTo(stack, lines[stack - 1].length + 1);
    await page.keyboard.press('Enter');
    // A new line in a block indents by the tab size (2).
    await until('the new line indented by 2', 10_000, () => page.locator('.statusbar-item', { hasText: /^Ln \d+, Col 3$/ }).count().then((n) => n > 0));
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: 'pressure' }).first().waitFor({ timeout: patient(20_000) });
    await shot('12-completion');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
    await noProblems();
  });

  it('Go to Definition on a library material opens the standard library, read-only', async () => {
    const lines = fs.readFileSync(path.join(workspaceDir, 'study.cellspec'), 'utf8').split('\n');
    const stack = lines.findIndex((l) => l.includes('stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu')) + 1;
    await goTo(stack, lines[stack - 1].indexOf('LPSC') + 2);
    await page.keyboard.press('F12');
    await page.locator('.tabs-container .tab.active', { hasText: 'materials.cellspec' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-lines', { hasText: 'X-ray density: cubic F-43m' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .monaco-editor textarea').first().focus();
    await page.keyboard.type('x');
    await page.locator('.monaco-editor-overlaymessage', { hasText: /read-only/i }).first().waitFor({ timeout: 10_000 });
    await shot('12b-library');
    const tab = page.locator('.tabs-container .tab', { hasText: 'materials.cellspec' }).first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('creates a material for an undefined name with the quick fix, its role a choice', async () => {
    const file = path.join(workspaceDir, 'study.cellspec');
    const original = fs.readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const stack = lines.findIndex((l) => l.includes('stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu')) + 1;
    await goTo(stack, lines[stack - 1].length + 1);
    await page.keyboard.type(' | LPSB 10 µm');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
    await page.locator('.view-lines', { hasText: 'LPSB 10 µm' }).first().waitFor({ timeout: 10_000 });
    await until('the undefined LPSB', 30_000, () => page.locator('.squiggly-error').count().then((n) => n > 0));
    await page.keyboard.press('Control+.');
    const create = page.locator('.action-widget .monaco-list-row', { hasText: "Create material 'LPSB'" }).first();
    await create.waitFor({ timeout: 20_000 });
    // The menu takes the keyboard (a pointer block covers it): down to the action, then Enter.
    await until('the create action focused', 10_000, async () => {
      if (await page.locator('.action-widget .monaco-list-row.focused', { hasText: "Create material 'LPSB'" }).count()) return true;
      await page.keyboard.press('ArrowDown');
      return false;
    });
    await page.keyboard.press('Enter');
    // The snippet is in, with the role's choices open at its first tab stop.
    await page.locator('.view-lines', { hasText: 'material LPSB {' }).first().waitFor({ timeout: 10_000 });
    await page.locator('.editor-widget.suggest-widget .monaco-list-row', { hasText: 'electrolyte' }).first().waitFor({ timeout: 10_000 });
    await shot('12c-create-material');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await until('no undefined name left', 30_000, () => page.locator('.squiggly-error').count().then((n) => n === 0));
    // Where it went: after the study, above the comment that heads the cells.
    await runCommand('File: Save');
    const saved = await until('the saved plan', 10_000, () => { const t = fs.readFileSync(file, 'utf8'); return t.includes('material LPSB') && t; });
    assert.ok(saved.indexOf('}\n\nmaterial LPSB {\n  role electrolyte\n}\n\n# --- cells') > saved.indexOf('study "'), saved.slice(0, 800));
    // Back to the plan as New Study wrote it, whether or not the editor saved the change.
    fs.writeFileSync(file, original);
    await runCommand('File: Revert File');
    await page.locator('.view-lines', { hasText: 'material LPSB {' }).first().waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('Show Derived Values opens every value the plan implies beside it', async () => {
    await focusEditor();
    await runCommand('cellspec: Show Derived Values');
    await page.locator('.tabs-container .tab', { hasText: 'study.cellspec (derived values).md' }).first().waitFor({ timeout: patient(30_000) });
    const page2 = page.locator('.editor-instance .view-lines', { hasText: '# Derived values of study.cellspec' }).first();
    await page2.waitFor({ timeout: patient(30_000) });
    assert.match((await page2.innerText()).replace(/\s+/g, ' '), /Li inventory\*\* = 10\.31 mAh\/cm²/);
    await shot('13-derived-values');
  });

  it('New Study again picks a new name and leaves the first study alone', async () => {
    const first = fs.readFileSync(path.join(workspaceDir, 'study.cellspec'), 'utf8');
    await runCommand('cellspec: New Study');
    await page.locator('.tabs-container .tab.active', { hasText: 'study-2.cellspec' }).first().waitFor({ timeout: patient(30_000) });
    assert.ok(fs.existsSync(path.join(workspaceDir, 'study-2.cellspec')));
    assert.equal(fs.readFileSync(path.join(workspaceDir, 'study.cellspec'), 'utf8'), first);
  });

  it('Open Example Study copies the examples into the chosen folder and opens the study', async () => {
    await runCommand('cellspec: Open Example Study', { asks: true });
    await chooseFolder(workspaceDir);
    const copy = path.join(workspaceDir, 'cellspec-example');
    await until('the copied example', 20_000, () => fs.existsSync(path.join(copy, 'study.cellspec')));
    assert.deepEqual(fs.readdirSync(copy).sort(), fs.readdirSync(path.join(ROOT, 'examples')).sort());
    await page.locator('.view-lines', { hasText: 'Mitigating Li void formation' }).first().waitFor({ timeout: patient(30_000) });
    await page.locator('.view-lines', { hasText: 'area 0.6362 cm²' }).first().waitFor({ timeout: patient(60_000) });
    await shot('14-example-study');
  });

  it('shows the user README with its screenshots in the Extensions view', async () => {
    // A clean window for the screenshot: no editors, no panel.
    await runCommand('View: Close All Editor Groups');
    await runCommand('View: Toggle Panel Visibility');
    await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: patient(10_000) });
    await runCommand('Extensions: Show Enabled Extensions');
    const item = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'cellspec' }).first();
    await item.waitFor({ timeout: patient(30_000) });
    await item.click();
    // The details page is a webview: its images are those the package ships.
    let seen: unknown;
    const images = await until('the README\'s images', 60_000, async () => {
      for (const f of page.frames()) {
        if (f === page.mainFrame() || f.isDetached()) continue;
        const r = await f.evaluate(() => {
          const imgs = [...document.querySelectorAll('img')] as any[];
          const h1 = document.querySelector('h1')?.textContent ?? '';
          return { h1, total: imgs.length, loaded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length, srcs: imgs.map((i) => `${i.src} ${i.complete} ${i.naturalWidth}`) };
        }).catch(() => undefined);
        if (r && r.total > 0) seen = r;
        if (r && r.total > 0 && /cellspec/.test(r.h1) && r.loaded === r.total) return r;
      }
      return undefined;
    }, 500).catch((e: Error) => { throw new Error(`${e.message}: ${JSON.stringify(seen)}`); });
    assert.ok(images.total >= 2, JSON.stringify(images));
    await shot('15-extension-readme');
  });
});

/** A chart's line of the example study, 1-based, from its text. */
const lineStarting = (start: string) => studyText().split('\n').findIndex((l) => l.startsWith(start)) + 1;

/**
 * The line numbers the spec's editor (the first editor group) shows from its top, the sticky
 * scroll's headers left out (a run's header line is split there by its inlay hint, so numbers, not text).
 */
const editorTopLines = () => page.locator('.editor-group-container').first().locator('.margin-view-overlays').evaluate((m: any) => {
  const view = m.closest('.monaco-editor').getBoundingClientRect();
  return ([...m.querySelectorAll('.line-numbers')] as any[]).map((n) => ({ n: Number(n.textContent), top: n.getBoundingClientRect().top }))
    .filter((x) => x.n > 0 && x.top >= view.top - 2).sort((a, b) => a.top - b.top).map((x) => x.n);
});

describe('VS Code end to end: a preview that guides', function () {
  this.timeout(120_000);
  session();

  it('colours a build alike in every chart of the preview, with one legend', async () => {
    await quickOpen('study.cellspec');
    await page.locator('.view-lines', { hasText: 'area 0.6362 cm²' }).first().waitFor({ timeout: 60_000 });
    await focusEditor();
    await runCommand('cellspec: Open Preview to the Side');
    const frame = await previewFrame();
    await chartsDrawn(frame, 20);
    const colours = await frame.evaluate(() => {
      const stroke = (id: string, k: number) => document.querySelectorAll(`[data-chart-id="${id}"] g.mark-line.role-mark path`)[k]?.getAttribute('stroke');
      const bar = (id: string, k: number) => document.querySelector(`[data-chart-id="${id}"] g.mark-rect.role-mark`)?.querySelectorAll('path')[k]?.getAttribute('fill');
      return {
        // The build half-Li: its bar in the D_eff comparison, its first cell's stripping curve (the first of nine),
        // the mean of its replicates (drawn after its three cells), its first cell's contact retention.
        halfLi: [bar('compare-0-3', 0), stroke('strip-strip-0p5', 0), stroke('replicates-half-Li-strip-0p5-stripping-voltage', 3), stroke('contact', 0)],
        // half-LNT10F: its bar, its first cell's stripping curve (after half-Li's three).
        lnt10f: [bar('compare-0-3', 1), stroke('strip-strip-0p5', 3)],
        legend: [...document.querySelectorAll('.page-legend .legend-key')].map((e: any) => e.textContent),
        cells: document.querySelector('.page-legend .legend-entry[data-key="half-Li"] .legend-cells')?.textContent,
      };
    });
    // The example declares replicates: its builds are the cells declared with them, each one entry with its cells.
    assert.deepEqual(colours.legend, ['sym-Li', 'sym-LNT10F', 'sym-LNT5F5', 'half-Li', 'half-LNT10F', 'half-LNT5F5', 'full-Li', 'full-LNT10F']);
    assert.equal(colours.cells, 'half-Li-1, half-Li-2, half-Li-3');
    assert.equal(new Set(colours.halfLi).size, 1, `one colour for half-Li: ${colours.halfLi}`);
    assert.equal(new Set(colours.lnt10f).size, 1, `one colour for half-LNT10F: ${colours.lnt10f}`);
    assert.ok(colours.halfLi[0] && colours.lnt10f[0] && colours.halfLi[0] !== colours.lnt10f[0], JSON.stringify(colours));
    await shot('20-preview-legend');
  });

  it('scrolls the preview to the run under the cursor', async () => {
    const line = lineStarting('run strip-0p5 on half-LNT10F-1 ');
    await goTo(line, 5);
    const frame = await previewFrame();
    const first = await until('the run\'s charts at the top of the preview', 20_000, () => frame.evaluate((l: number) => {
      if (document.body.dataset.followed !== String(l)) return undefined;
      const current = [...document.querySelectorAll('.chart-card.is-current')] as any[];
      const top = current[0]?.getBoundingClientRect().top;
      return current.length && top > -5 && top < 60 ? current.map((c) => c.dataset.chartId) : undefined;
    }, line), 250);
    // The protocol's curves, then the replicates of the build whose first cell it is, its contact, its spectra.
    assert.deepEqual(first.slice(0, 3), ['strip-strip-0p5', 'replicates-half-LNT10F-strip-0p5-stripping-voltage', 'replicates-half-LNT10F-strip-0p5-contact-retention']);
    assert.ok(first.includes('contact') && first.includes('nyquist-L' + line), first.join(' '));
    await shot('21-cursor-followed');
  });

  it('scrolls the editor to the run of the chart at the top of the preview, the cursor staying', async () => {
    const frame = await previewFrame();
    const cursor = await page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+$/ }).first().innerText();
    const box = (await page.locator('.editor-group-container').nth(1).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const before = (await editorTopLines())[0];
    // Scroll events within 600 ms of the page's own scroll (the cursor's) are its own, not the user's.
    await page.waitForTimeout(800);
    // The run followed has many charts: the wheel turns until a chart of none of its runs is at the top.
    const followed = Number(await frame.evaluate(() => document.body.dataset.followed));
    const topCard = () => frame.evaluate(() => {
      const top = ([...document.querySelectorAll('[data-chart-id]')] as any[]).find((c) => !c.hidden && c.getBoundingClientRect().bottom > 24);
      return top ? { id: top.dataset.chartId as string, lines: (top.dataset.lines as string).trim().split(' ').map(Number) } : undefined;
    });
    await until('a chart of another run at the top of the preview', 30_000, async () => {
      await page.mouse.wheel(0, 1200);
      const top = await topCard();
      return !!top && !top.lines.includes(followed);
    }, 300);
    // The page reports a scroll once it settles; the editor then shows a run of that chart at its top.
    await page.waitForTimeout(500);
    const top = (await topCard())!;
    const headers = top.lines.map((l) => studyText().split('\n')[l - 1]);
    assert.ok(headers.every((h) => /^run /.test(h)), headers.join('; '));
    const reported = Number(await frame.evaluate(() => document.body.dataset.reported));
    assert.ok(top.lines.includes(reported), `the page told the editor line ${reported}, a run of ${top.id} (${top.lines})`);
    // At its top, as VS Code reveals "at top": with a few lines of context above it.
    const near = (first: number | undefined) => first !== undefined && first !== before && first <= reported && first >= reported - 6;
    await until(`the editor showing line ${reported} (${studyText().split('\n')[reported - 1]}) at its top`, 20_000,
      async () => near((await editorTopLines())[0])).catch(async (e) => { throw new Error(`${e.message}; the editor shows ${(await editorTopLines()).slice(0, 8)}`); });
    assert.equal(await page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+$/ }).first().innerText(), cursor, 'the cursor did not move');
    await shot('22-editor-followed');
  });

  it('reveals the run of the clicked point: a point of the second series selects its own run', async () => {
    const frame = await previewFrame();
    const followed = await frame.evaluate(() => document.body.dataset.followed);
    const second = lineStarting('run cyc-0p3C on full-LNT10F');
    // The last point of the capacity chart: cycle 101 of full-LNT10F (full-Li has 50).
    await frame.locator('[data-chart-id="capacity"] g.mark-symbol.role-mark path:not([opacity="0"])').last().click();
    await until(`the cursor on line ${second}`, 20_000, () => page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${second}, Col 1$`) }).count().then((n) => n > 0));
    // The selection the click made is not sent back to scroll the page (the loop guard).
    await page.waitForTimeout(1500);
    assert.equal(await frame.evaluate(() => document.body.dataset.followed), followed, 'the page was not scrolled by its own click');
    await shot('23-point-revealed');
  });

  it('saves a chart through the save dialog and opens it', async () => {
    const frame = await previewFrame();
    const target = path.join(workspaceDir, 'examples', 'capacity.png');
    await frame.locator('[data-chart-id="capacity"] vscode-button[data-export="png"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await until('the suggested name', 10_000, async () => /study-capacity\.png$/.test(await input.inputValue()));
    await input.fill(target);
    await page.keyboard.press('Enter');
    const bytes = await until('the PNG file', 20_000, () => fs.existsSync(target) && fs.readFileSync(target));
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    const toast = page.locator('.notification-toast', { hasText: 'cellspec: saved capacity.png' });
    await toast.waitFor({ timeout: 20_000 });
    await shot('24-saved');
    await toast.locator('a.monaco-button', { hasText: 'Open' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'capacity.png' }).first().waitFor({ timeout: 20_000 });
    await shot('25-opened');
    const tab = page.locator('.tabs-container .tab', { hasText: 'capacity.png' }).first();
    await tab.hover();
    await tab.locator('.codicon-close').click();
  });

  it('saves the results CSV as data: run, cell, quantity, value, unit, standard error', async () => {
    await previewTab('Preview study.cellspec').click();
    const frame = await previewFrame();
    const target = path.join(workspaceDir, 'examples', 'figures.csv');
    await frame.locator('vscode-button[data-export="csv"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    // The dialog fills in its suggestion after it shows: typed over before, the suggestion would win.
    await until('the suggested name', 10_000, async () => /study-results\.csv$/.test(await input.inputValue()));
    await input.fill(target);
    await page.keyboard.press('Enter');
    const csv = await until('the CSV file', 20_000, () => fs.existsSync(target) && fs.readFileSync(target, 'utf8'));
    const rows = csv.replace(/^\ufeff/, '').trim().split('\r\n').map((r) => r.split(','));
    assert.deepEqual(rows[0], ['run', 'cell', 'quantity', 'value', 'unit', 'stderr', 'bound', 'line']);
    const deff = rows.find((r) => r[0] === 'sand-series on half-LNT10F-1' && r[2] === 'D_eff')!;
    assert.ok(deff, 'the D_eff of cell 1 of Li-LNT10F');
    assert.deepEqual([deff[1], deff[4]], ['half-LNT10F-1', 'cm²/s']);
    // Within the example data's 5 % scatter of t0 about the published 9.62e-10 cm²/s.
    assert.ok(Math.abs(Number(deff[3]) / 9.62e-10 - 1) < 0.1 && Number(deff[5]) > 0, `D_eff as numbers: ${deff}`);
    assert.ok(rows.slice(1).every((r) => Number.isFinite(Number(r[3]))), 'every value a number');
  });

  it('hovers a run with data: a summary table first, the details folded', async () => {
    const line = lineStarting('run strip-0p5 on half-Li-1 ');
    await goTo(line, 5);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover-content').first();
    await hover.locator('table').first().waitFor({ timeout: 20_000 });
    const shown = await hover.evaluate((h: any) => {
      const table = h.querySelector('table');
      const details = h.querySelector('details');
      return {
        head: [...table.querySelectorAll('th')].map((t: any) => t.textContent.trim()),
        first: [...table.querySelectorAll('tbody tr')][0]?.textContent,
        tableBeforeDetails: !!details && !!(table.compareDocumentPosition(details) & 4),
        open: details?.open,
        summary: details?.querySelector('summary')?.textContent,
      };
    });
    assert.deepEqual(shown.head, ['figure', 'value ± SE', 'unit']);
    // Cell 1 of bare Li: 6.93 mAh/cm² (examples/data/README.md).
    assert.match(shown.first ?? '', /stripped capacity\s*6\.9\d*\s*mAh\/cm²/);
    assert.deepEqual([shown.tableBeforeDetails, shown.open, shown.summary], [true, false, 'How these were found, and the files read']);
    await shot('26-run-hover');
    // The folded part holds how each figure was found (opening it in the hover is left to VS Code).
    const details = await hover.locator('details').first().evaluate((d: any) => d.textContent as string);
    assert.match(details, /stripped: 6\.9\d* mAh\/cm² in 13\.\d+ h/, `the details: ${details.slice(0, 300)}`);
    assert.match(details, /capacity = ∫\|I\|dt\/area/, 'with how each figure was found');
    await page.keyboard.press('Escape');
  });
});
