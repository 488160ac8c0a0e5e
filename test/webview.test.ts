// The preview page in a real browser (Debian Chromium, headless), built from the example study's
// real model. The panel is served the way VS Code serves it: previewHtml with its CSP, the bundle
// and stylesheet from dist/, and a stub of acquireVsCodeApi in a script with the page's nonce that
// records what the page posts and answers 'ready' with the update. The page renders by itself, so
// Chromium applies the CSP to everything it runs (code injected with page.evaluate would skip
// the eval checks; here evaluate only reads). Then the report from `cellspec report`, opened from
// file:// with the network blocked. Screenshots go to test-artifacts/.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { shippedLibrary } from '../server/library/shipped';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { StudySession } from '../server/results/study';
import { previewCsp, previewHtml, reportCsp, reportHtml } from '../protocol/page';
import { ChartModel, parseFromPage, PreviewModel } from '../protocol/preview';
import { Browser, launchChromium, serve, watch, Watch } from './helpers/browser';

// Callbacks given to page.evaluate and $eval run in the page; these are the page's globals
// (declared here, not through lib "dom", which would let Node code use the DOM unnoticed).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any, document: any, getComputedStyle: any, performance: any;

const ORIGIN = 'https://cellspec-webview.test';
const ARTIFACTS = path.resolve('test-artifacts');
const CLI = path.resolve('bin/cellspec');
const STUDY = 'examples/study.cellspec';

/** The model the language server would send for the example study, data analysed. */
async function studyModel(): Promise<PreviewModel> {
  // With the standard material library, as the server reads specs.
  const ws = new Workspace(nodeFileSystem, shippedLibrary());
  const a = analyzeSpec(ws, fileUri(path.resolve(STUDY)), { plausibility: true });
  assert.ok(a, 'the example study is readable');
  const study = new StudySession();
  await study.refresh(a, 1);
  return study.previewModel(a, 1);
}

/** The colour themes as VS Code applies them: a body class and --vscode-* variables on <html>. */
interface ThemeCase { name: string; bodyClasses: string[]; vars: Record<string, string> }
const common = { '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', '--vscode-font-size': '13px', '--vscode-font-weight': 'normal', '--vscode-editor-font-family': '"Droid Sans Mono", monospace' };
const THEMES: ThemeCase[] = [
  {
    name: 'light', bodyClasses: ['vscode-light'], vars: {
      ...common, '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-charts-foreground': '#3b3b3b', '--vscode-charts-lines': 'rgba(59, 59, 59, 0.5)', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-red': '#e51400',
      '--vscode-charts-green': '#388a34', '--vscode-charts-yellow': '#bf8803', '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#652d90',
      '--vscode-panel-border': '#e5e5e5', '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-focusBorder': '#005fb8',
      '--vscode-sideBarSectionHeader-background': '#f8f8f8', '--vscode-sideBarTitle-foreground': '#3b3b3b', '--vscode-icon-foreground': '#3b3b3b',
      '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-editorHoverWidget-background': '#f8f8f8', '--vscode-editorHoverWidget-foreground': '#3b3b3b', '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-progressBar-background': '#005fb8',
    },
  },
  {
    name: 'dark', bodyClasses: ['vscode-dark'], vars: {
      ...common, '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)', '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#cca700', '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#b180d7',
      '--vscode-panel-border': '#2b2b2b', '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-focusBorder': '#0078d4',
      '--vscode-sideBarSectionHeader-background': '#181818', '--vscode-sideBarTitle-foreground': '#cccccc', '--vscode-icon-foreground': '#cccccc',
      '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-editorHoverWidget-background': '#202020', '--vscode-editorHoverWidget-foreground': '#cccccc', '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#cca700', '--vscode-progressBar-background': '#0078d4',
    },
  },
  {
    name: 'high-contrast', bodyClasses: ['vscode-high-contrast'], vars: {
      ...common, '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffff',
      '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-charts-foreground': '#ffffff', '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)', '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#ffd700', '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#b180d7',
      '--vscode-focusBorder': '#f38518', '--vscode-sideBarSectionHeader-background': '#000000', '--vscode-sideBarTitle-foreground': '#ffffff', '--vscode-icon-foreground': '#ffffff',
      '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-editorHoverWidget-background': '#0c141f', '--vscode-editorHoverWidget-foreground': '#ffffff', '--vscode-editorHoverWidget-border': '#6fc3df',
      '--vscode-errorForeground': '#f48771', '--vscode-editorWarning-foreground': '#ffd700', '--vscode-progressBar-background': '#6fc3df',
    },
  },
  {
    name: 'high-contrast-light', bodyClasses: ['vscode-high-contrast-light', 'vscode-high-contrast'], vars: {
      ...common, '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#292929', '--vscode-descriptionForeground': '#292929',
      '--vscode-contrastBorder': '#0f4a85', '--vscode-contrastActiveBorder': '#006bbd',
      '--vscode-charts-foreground': '#292929', '--vscode-charts-lines': 'rgba(41, 41, 41, 0.5)', '--vscode-charts-blue': '#0f4a85', '--vscode-charts-red': '#b5200d',
      '--vscode-charts-green': '#374e06', '--vscode-charts-yellow': '#895503', '--vscode-charts-orange': '#b5200d', '--vscode-charts-purple': '#652d90',
      '--vscode-focusBorder': '#006bbd', '--vscode-sideBarSectionHeader-background': '#ffffff', '--vscode-sideBarTitle-foreground': '#292929', '--vscode-icon-foreground': '#292929',
      '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#0f4a85', '--vscode-button-secondaryBackground': '#ffffff', '--vscode-button-secondaryForeground': '#292929',
      '--vscode-editorHoverWidget-background': '#ffffff', '--vscode-editorHoverWidget-foreground': '#292929', '--vscode-editorHoverWidget-border': '#292929',
      '--vscode-errorForeground': '#b5200d', '--vscode-editorWarning-foreground': '#895503', '--vscode-progressBar-background': '#0f4a85',
    },
  },
];

/** A stub step that is not a message: switch the colour theme the way VS Code does. */
const switchTheme = (t: ThemeCase) => ({ stubTheme: t });

/**
 * The stand-in for VS Code: applies the theme, provides acquireVsCodeApi (once, like VS Code),
 * records posted messages, sends the first batch of messages on 'ready' and each further batch
 * when the test clicks its "next" button (a real click: the page keeps running on its own, no
 * code is injected). After each render (body[data-renders] changes) it takes a snapshot of the chart views (the SVG elements, the first point's position) so a test
 * can tell an update in place from a rebuilt view or a reloaded page.
 */
function stubScript(theme: ThemeCase, batches: unknown[][], state?: unknown): string {
  return `(() => {
  'use strict';
  const applyTheme = (t) => {
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
    document.body.classList.add(...t.bodyClasses);
    for (const k of Object.keys(t.vars)) document.documentElement.style.setProperty(k, t.vars[k]);
  };
  applyTheme(${JSON.stringify(theme)});
  const batches = ${JSON.stringify(batches)};
  const sent = [];
  const snapshots = [];
  let state = ${JSON.stringify(state ?? null)} ?? undefined;
  let acquired = false;
  window.__test = { sent, snapshots, timeOrigin: performance.timeOrigin, get state() { return state; } };
  const next = () => {
    const batch = batches.shift();
    if (batch) setTimeout(() => { for (const m of batch) if (m && m.stubTheme) applyTheme(m.stubTheme); else window.postMessage(m, '*'); }, 0);
  };
  if (batches.length > 1) {
    const button = document.createElement('button');
    button.id = 'stub-next';
    button.textContent = 'next';
    button.addEventListener('click', next);
    document.body.prepend(button);
  }
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage(m) { sent.push(JSON.parse(JSON.stringify(m))); if (m && m.type === 'ready') next(); },
      getState() { return state; },
      setState(s) { state = JSON.parse(JSON.stringify(s)); },
    };
  };
  let renders = '';
  new MutationObserver(() => {
    const r = document.body.dataset.renders || '';
    if (r === renders) return;
    renders = r;
    const svgs = {}, first = {};
    for (const card of document.querySelectorAll('[data-chart-id]')) {
      svgs[card.dataset.chartId] = card.querySelector('.chart svg');
      const p = card.querySelector('g.mark-symbol.role-mark path:not([opacity="0"])') || card.querySelector('g.mark-line.role-mark path');
      first[card.dataset.chartId] = p && (p.getAttribute('transform') || p.getAttribute('d'));
    }
    snapshots.push({ renders: r, svgs, first, timeOrigin: performance.timeOrigin });
  }).observe(document.body, { attributes: true, attributeFilter: ['data-renders'] });
})();
`;
}

interface Panel { page: Page; watch: Watch; aborted: string[]; nonce: string }

/** Opens the panel page as VS Code would serve it. */
async function openPanel(browser: Browser, theme: ThemeCase, batches: unknown[][], state?: unknown): Promise<Panel> {
  const page = await browser.context.newPage();
  const w = await watch(page);
  const nonce = Buffer.from(`nonce-${Math.random()}`).toString('base64');
  const html = previewHtml({ scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/dist/webview.css`, cspSource: ORIGIN, nonce });
  const main = `<script nonce="${nonce}" src="${ORIGIN}/dist/webview.js">`;
  assert.ok(html.includes(main), 'the page loads its bundle with the nonce');
  // VS Code injects acquireVsCodeApi itself; the stub comes first, with the page's nonce.
  const withStub = html.replace(main, `<script nonce="${nonce}" src="${ORIGIN}/vscode-stub.js"></script>\n${main}`);
  const aborted: string[] = [];
  await serve(page, {
    [`${ORIGIN}/index.html`]: { body: withStub, contentType: 'text/html; charset=utf-8' },
    [`${ORIGIN}/vscode-stub.js`]: { body: stubScript(theme, batches, state), contentType: 'text/javascript' },
    [`${ORIGIN}/dist/webview.js`]: { body: fs.readFileSync('dist/webview.js'), contentType: 'text/javascript' },
    [`${ORIGIN}/dist/webview.css`]: { body: fs.readFileSync('dist/webview.css'), contentType: 'text/css' },
  }, aborted);
  await page.goto(`${ORIGIN}/index.html`);
  return { page, watch: w, aborted, nonce };
}

async function rendered(page: Page, version: number, renders?: number) {
  const sel = `body[data-state="ready"][data-version="${version}"]${renders ? `[data-renders="${renders}"]` : ''}`;
  try {
    // A render that failed shows at once (body[data-state="error"]), not after the timeout.
    await page.waitForSelector(`${sel}, body[data-state="error"]`, { state: 'attached', timeout: 60000 });
    if (await page.$('body[data-state="error"]')) throw new Error('the page reports an error');
  } catch (e) {
    const body = await page.evaluate(() => ({ ...document.body.dataset, error: document.querySelector('.error')?.textContent }));
    throw new Error(`not rendered (${sel}): body ${JSON.stringify(body)}: ${e}`);
  }
}

const sentBy = (page: Page): Promise<any[]> => page.evaluate(() => (window as any).__test.sent);

async function waitForSent(page: Page, pred: (m: { type: string; [k: string]: unknown }) => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    const m = (await sentBy(page)).find(pred);
    if (m) return m;
    await page.waitForTimeout(50);
  }
  assert.fail(`the page did not post ${what}`);
}

/** What vega drew for one chart: line paths, symbols (visible and hover targets), rules, texts. */
async function marksOf(page: Page, id: string) {
  return page.$eval(`[data-chart-id="${id}"] .chart`, (fig) => ({
    svg: fig.querySelectorAll('svg').length,
    lines: fig.querySelectorAll('g.mark-line.role-mark path').length,
    symbols: fig.querySelectorAll('g.mark-symbol.role-mark path').length,
    visibleSymbols: fig.querySelectorAll('g.mark-symbol.role-mark path:not([opacity="0"])').length,
    rules: fig.querySelectorAll('g.mark-rule.role-mark line').length,
    texts: [...fig.querySelectorAll('g.mark-text.role-mark text')].map((t) => t.textContent ?? ''),
    background: fig.querySelector('svg') ? getComputedStyle(fig.querySelector('svg')).backgroundColor : null,
  }));
}

function expectedMarks(c: ChartModel) {
  const lineSeries = c.series.filter((s) => s.mark === 'line');
  const pointSeries = c.series.filter((s) => s.mark === 'point');
  return {
    lines: lineSeries.length,
    points: pointSeries.reduce((n, s) => n + s.points.length, 0),
    hoverTargets: lineSeries.reduce((n, s) => n + s.points.length, 0),
  };
}

/** Every chart drawn with all its series, rules and labelled marks; the tables hold the model's rows. */
/**
 * Nothing of a chart is cut off or drawn over: every text and visible point lies inside its SVG
 * (vega's pad sizing grows the SVG to hold what is drawn, so outside it is clipped), the labels of
 * marks and reference lines do not cover one another, nor do the labels along one axis.
 */
async function assertUnclipped(page: Page, id: string) {
  const found = await page.$eval(`[data-chart-id="${id}"]`, (card) => {
    const svg = card.querySelector('svg');
    if (!svg) return [];
    const s = svg.getBoundingClientRect();
    type Box = { text: string; l: number; r: number; t: number; b: number };
    const box = (e: any, text: string): Box => { const r = e.getBoundingClientRect(); return { text, l: r.left, r: r.right, t: r.top, b: r.bottom }; };
    const bad: string[] = [];
    // Vega hides a label it found no room for (an axis's overlap removal) by its opacity.
    const shown = (t: any) => !!t.textContent?.trim() && t.getAttribute('opacity') !== '0';
    const outside = (b: Box) => b.l < s.left - 1 || b.r > s.right + 1 || b.t < s.top - 1 || b.b > s.bottom + 1;
    for (const t of svg.querySelectorAll('text')) {
      const b = box(t, t.textContent ?? '');
      if (shown(t) && outside(b)) bad.push(`text "${b.text}" outside the chart`);
    }
    for (const p of svg.querySelectorAll('g.mark-symbol path')) {
      if (p.getAttribute('opacity') !== '0' && outside(box(p, ''))) bad.push('a point outside the chart');
    }
    const overlapping = (boxes: Box[], what: string) => {
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1) bad.push(`${what} "${a.text}" and "${b.text}" overlap`);
      }
    };
    // A label is drawn twice (its halo, then itself): one box per text.
    const labels = new Map<string, Box>();
    for (const t of svg.querySelectorAll('g.mark-text.role-mark text')) if (shown(t)) labels.set(t.textContent, box(t, t.textContent));
    overlapping([...labels.values()], 'labels');
    for (const axis of svg.querySelectorAll('g.role-axis')) {
      overlapping([...axis.querySelectorAll('g.role-axis-label text')].filter(shown).map((t) => box(t, t.textContent!)), 'axis labels');
    }
    return bad;
  });
  assert.deepEqual(found, [], `${id}: nothing clipped or covered`);
}

async function assertDrawn(page: Page, model: PreviewModel) {
  const ids = await page.$$eval('[data-chart-id]', (cards) => cards.map((c) => (c as any).dataset.chartId));
  assert.deepEqual(ids, model.charts.map((c) => c.id), 'one card per chart, in model order');
  for (const c of model.charts) {
    const m = await marksOf(page, c.id);
    const e = expectedMarks(c);
    assert.equal(m.svg, c.series.some((s) => s.points.length) ? 1 : 0, `${c.id}: an SVG view`);
    if (c.series.some((s) => s.points.length)) assert.ok(m.lines + m.symbols > 0, `${c.id}: marks drawn`);
    else assert.equal(await page.textContent(`[data-chart-id="${c.id}"] .chart`), 'No points to plot.');
    assert.equal(m.lines, e.lines, `${c.id}: one path per line series`);
    assert.equal(m.symbols, e.points + e.hoverTargets + (c.marks?.length ?? 0), `${c.id}: a symbol per point (and per marked point)`);
    assert.ok(m.visibleSymbols >= e.points, `${c.id}: the point series are visible`);
    assert.ok(m.rules >= (c.rules?.length ?? 0), `${c.id}: the reference lines`);
    for (const r of c.rules ?? []) assert.ok(m.texts.includes(r.label), `${c.id}: rule label ${r.label}`);
    for (const k of c.marks ?? []) assert.ok(m.texts.includes(k.label), `${c.id}: mark label ${k.label}`);
    const notes = await page.$$eval(`[data-chart-id="${c.id}"] .notes li`, (li) => li.map((x) => x.textContent));
    assert.deepEqual(notes, c.notes ?? [], `${c.id}: the notes under the chart`);
    await assertUnclipped(page, c.id);
  }
  const rows = (table: string) => page.$$eval(`table[data-table="${table}"] tbody tr`, (trs) => trs.map((tr) => ({
    cells: [...tr.querySelectorAll('td')].map((td) => td.textContent), title: tr.getAttribute('title'), line: (tr as any).dataset.line,
  })));
  const results = await rows('results');
  assert.equal(results.length, model.results.length, 'a results row per result');
  results.forEach((r, i) => {
    const x = model.results[i];
    assert.deepEqual(r.cells, [x.run, x.cell, x.label, x.text, String(x.line)]);
    assert.equal(r.title, x.derivation, 'the derivation as the row title');
  });
  const predictions = await rows('predictions');
  assert.equal(predictions.length, model.predictions.length, 'a predictions row per derived value');
  predictions.forEach((r, i) => assert.deepEqual(r.cells, [model.predictions[i].owner, model.predictions[i].label, model.predictions[i].text, model.predictions[i].formula, String(model.predictions[i].line)]));
  const problems = await rows('problems');
  assert.equal(problems.length, model.problems.length, 'a row per problem');
  problems.forEach((r, i) => assert.deepEqual(r.cells, [model.problems[i].severity, String(model.problems[i].line), model.problems[i].message]));
  assert.equal(await page.isVisible('.pending'), model.dataPending, 'the pending indicator follows dataPending');
}

function assertClean(p: Panel | { watch: Watch; aborted: string[] }, what: string) {
  assert.deepEqual(p.watch.violations, [], `${what}: CSP violations`);
  assert.deepEqual(p.watch.errors, [], `${what}: console errors`);
  assert.deepEqual(p.watch.warnings, [], `${what}: console warnings`);
  assert.deepEqual(p.aborted, [], `${what}: network requests`);
}

/** RFC 4180, written here independently of the page's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const hex = (c: string) => {
  const m = /^#(..)(..)(..)$/.exec(c);
  return m ? `rgb(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)})` : c;
};

describe('preview page in Chromium', function () {
  this.timeout(120000);
  let browser: Browser;
  let model: PreviewModel;

  before(async () => {
    assert.ok(fs.existsSync('dist/webview.js') && fs.existsSync('dist/webview.css'), 'run npm run build first');
    model = await studyModel();
    assert.ok(model.charts.length >= 10 && model.results.length > 0 && model.predictions.length > 0 && model.problems.length > 0, 'the study fills every part of the page');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); });

  it('has a nonce CSP without unsafe-eval or unsafe-inline', () => {
    const csp = previewCsp('https://x.vscode-cdn.net', 'abc');
    assert.equal(csp, "default-src 'none'; img-src https://x.vscode-cdn.net data: blob:; style-src https://x.vscode-cdn.net 'nonce-abc'; script-src 'nonce-abc'; font-src https://x.vscode-cdn.net; base-uri 'none'; form-action 'none'");
    for (const c of [csp, reportCsp('abc')]) assert.doesNotMatch(c, /unsafe/);
    const html = previewHtml({ scriptUri: 'https://x/a.js?"<', styleUri: 'https://x/a.css', cspSource: 'https://x', nonce: 'abc' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.ok(html.includes('src="https://x/a.js?&quot;&lt;"'), 'attributes are escaped');
  });

  for (const theme of THEMES) {
    it(`draws the study in the ${theme.name} theme: every chart, table row and problem, no errors or CSP violations`, async () => {
      const p = await openPanel(browser, theme, [[{ type: 'update', model }]]);
      try {
        await rendered(p.page, model.version);
        assert.deepEqual((await sentBy(p.page))[0], { type: 'ready' }, 'ready first');
        await assertDrawn(p.page, model);
        // Colours come from the theme's variables: page, charts, chart colours.
        const bg = hex(theme.vars['--vscode-editor-background']);
        assert.equal(await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor), bg);
        for (const c of model.charts) assert.equal((await marksOf(p.page, c.id)).background, bg, `${c.id}: chart background`);
        const strokes = await p.page.$$eval('[data-chart-id^="ccd-"] g.mark-line.role-mark path, [data-chart-id^="strip-"] g.mark-line.role-mark path', (ps) => ps.map((x) => x.getAttribute('stroke')));
        assert.ok(strokes.includes(theme.vars['--vscode-charts-blue']), `the first build takes --vscode-charts-blue: ${strokes}`);
        const axisColor = await p.page.$eval('[data-chart-id="sand"] g.role-axis-label text', (t) => t.getAttribute('fill'));
        assert.equal(axisColor, theme.vars['--vscode-editor-foreground'], 'axis labels in the editor foreground');
        await p.page.screenshot({ path: path.join(ARTIFACTS, `preview-${theme.name}.png`), fullPage: true });
        await p.page.screenshot({ path: path.join(ARTIFACTS, `preview-${theme.name}-top.png`) });
        assertClean(p, theme.name);
      } finally {
        await p.page.close();
      }
    });
  }

  it('shows a tooltip with the values and their units on hover', async () => {
    const p = await openPanel(browser, THEMES[1], [[{ type: 'update', model }]]);
    try {
      await rendered(p.page, model.version);
      const sand = model.charts.find((c) => c.id === 'sand')!;
      const point = p.page.locator('[data-chart-id="sand"] g.mark-symbol.role-mark path:not([opacity="0"])').first();
      await point.scrollIntoViewIfNeeded();
      const box = (await point.boundingBox())!;
      await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tip = p.page.locator('#vg-tooltip-element.visible');
      await tip.waitFor({ timeout: 30000 });
      const text = (await tip.textContent()) ?? '';
      assert.match(text, new RegExp(`${sand.x.title}.*${sand.x.unit}`), text);
      assert.match(text, /t0\^-1\/2.*s\^-1\/2/, text);
      assert.match(text, /series/, text);
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-tooltip.png') });
      assertClean(p, 'tooltip');
    } finally {
      await p.page.close();
    }
  });

  it('posts reveal with the line of a clicked chart, results row, prediction and problem', async () => {
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model }]]);
    try {
      await rendered(p.page, model.version);
      for (const c of [model.charts[0], model.charts.find((x) => x.kind === 'ccd')!, model.charts[model.charts.length - 1]]) {
        const n = (await sentBy(p.page)).length;
        await p.page.locator(`[data-chart-id="${c.id}"] .chart`).click({ position: { x: 12, y: 12 } });
        const m = await waitForSent(p.page, (x) => x.type === 'reveal' && x.line === c.line, `reveal ${c.line} for ${c.id}`);
        assert.deepEqual(m, { type: 'reveal', line: c.line });
        assert.ok((await sentBy(p.page)).length > n);
        assert.ok(parseFromPage(m), 'a valid message');
      }
      // Reveals only: scrolling to a row also tells the editor where the page is ('scrolled').
      const reveals = async () => (await sentBy(p.page)).filter((m) => m.type === 'reveal');
      const rowLine = async (table: string, i: number, line: number) => {
        const before = (await reveals()).length;
        await p.page.locator(`table[data-table="${table}"] tbody tr`).nth(i).click();
        const after = await reveals();
        assert.equal(after.length, before + 1, `${table} row ${i} posts one reveal`);
        assert.deepEqual(after[after.length - 1], { type: 'reveal', line });
      };
      await rowLine('results', 3, model.results[3].line);
      await rowLine('predictions', 0, model.predictions[0].line);
      // The problems sit collapsed below the charts: opened first.
      assert.equal(await p.page.isVisible('table[data-table="problems"]'), false, 'the problems start collapsed');
      await p.page.locator('vscode-collapsible[data-section="problems"]').click({ position: { x: 60, y: 10 } });
      await rowLine('problems', 0, model.problems[0].line);
      // The keyboard works too: Enter on a focused row.
      await p.page.locator('table[data-table="results"] tbody tr').nth(0).focus();
      await p.page.keyboard.press('Enter');
      const sent = await reveals();
      assert.deepEqual(sent[sent.length - 1], { type: 'reveal', line: model.results[0].line });
      assertClean(p, 'reveal');
    } finally {
      await p.page.close();
    }
  });

  it('exports each chart as SVG and PNG and the results as CSV and JSON in well-formed export messages', async () => {
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model }]]);
    try {
      await rendered(p.page, model.version);
      const exportOf = async (selector: string, format: string) => {
        await p.page.locator(selector).click();
        const m = await waitForSent(p.page, (x) => x.type === 'export' && x.format === format, `an export of ${format}`);
        assert.ok(parseFromPage(m), `valid export message: ${JSON.stringify(m).slice(0, 200)}`);
        // Drop it so the next export of the same format is found.
        await p.page.evaluate(() => { const s = (window as any).__test.sent; s.splice(0, s.length); });
        return m as unknown as { name: string; data: string };
      };
      for (const c of [model.charts[0], model.charts.find((x) => x.kind === 'nyquist')!]) {
        const svg = await exportOf(`[data-chart-id="${c.id}"] vscode-button[data-export="svg"]`, 'svg');
        assert.match(svg.name, /^study-[\w .-]+\.svg$/);
        assert.match(svg.data, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        assert.match(svg.data, /<path/);
        const png = await exportOf(`[data-chart-id="${c.id}"] vscode-button[data-export="png"]`, 'png');
        assert.match(png.name, /^study-[\w .-]+\.png$/);
        const bytes = Buffer.from(png.data.replace(/^data:image\/png;base64,/, ''), 'base64');
        assert.ok(png.data.startsWith('data:image/png;base64,') && bytes.subarray(1, 4).toString() === 'PNG' && bytes.length > 5000, 'a PNG image as a data URL');
      }
      const csv = await exportOf('.page-actions vscode-button[data-export="csv"]', 'csv');
      assert.equal(csv.name, 'study-results.csv');
      assert.ok(csv.data.startsWith('\ufeffrun,cell,quantity,value,unit,stderr,bound,line\r\n'), csv.data.slice(0, 100));
      // Columns of numbers: each value and standard error reads back as the model's number.
      const [head, ...rows] = parseCsv(csv.data.slice(1));
      assert.deepEqual(head, ['run', 'cell', 'quantity', 'value', 'unit', 'stderr', 'bound', 'line']);
      assert.equal(rows.length, model.figures.length, 'a row per figure');
      rows.forEach((r, i) => {
        const f = model.figures[i];
        assert.deepEqual([r[0], r[1], r[2], r[4], r[6], r[7]], [f.run, f.cell, f.quantity, f.unit, f.bound ?? '', String(f.line)]);
        assert.equal(Number(r[3]), f.value, `${f.quantity}: value ${r[3]}`);
        assert.equal(r[5] === '' ? undefined : Number(r[5]), f.stderr, `${f.quantity}: standard error ${r[5]}`);
      });
      const json = await exportOf('.page-actions vscode-button[data-export="json"]', 'json');
      assert.equal(json.name, 'study-results.json');
      assert.deepEqual(JSON.parse(json.data).results, model.results);
      assert.deepEqual(JSON.parse(json.data).figures, model.figures);
      assertClean(p, 'export');
    } finally {
      await p.page.close();
    }
  });

  it('updates in place: the same views take new data, invalid messages are dropped, the page never reloads', async () => {
    const next: PreviewModel = JSON.parse(JSON.stringify(model));
    next.version = 2;
    next.dataPending = true;
    const cap = next.charts.find((c) => c.id === 'capacity')!;
    cap.series[0].points = cap.series[0].points.map(([x, y]) => [x, y * 0.5]);
    const nyq = next.charts.find((c) => c.kind === 'nyquist')!;
    nyq.series[0].points = nyq.series[0].points.map(([x, y]) => [x * 2, y * 2]);
    next.results[0].text = 'changed in version 2';
    next.predictions = next.predictions.slice(0, 5);
    const third: PreviewModel = { ...next, version: 3, charts: next.charts.filter((c) => c.id !== 'sand'), dataPending: false };
    const p = await openPanel(browser, THEMES[1], [
      // Dropped: a model of another schema, no model, not an object, an unknown type, a bad chart.
      [{ type: 'update', model: { ...model, schema: 2 } }, { type: 'update' }, 'update', { type: 'frobnicate' },
        { type: 'update', model: { ...model, charts: [{ ...model.charts[0], series: [{ name: 'x', mark: 'line', points: [[0, 'NaN']] }] }] } },
        // Accepted, and nothing to redraw: the body class already says dark.
        { type: 'theme', kind: 'dark' },
        { type: 'update', model }],
      [{ type: 'update', model: next }],
      [{ type: 'update', model: third }],
    ]);
    try {
      await rendered(p.page, 1, 1);
      await p.page.click('#stub-next');
      await rendered(p.page, 2, 2);
      await assertDrawn(p.page, next);
      await p.page.click('#stub-next');
      await rendered(p.page, 3, 3);
      await assertDrawn(p.page, third);
      assert.equal(await p.page.evaluate(() => Number(document.body.dataset.views)), model.charts.length, 'one view per chart, none added by the updates');
      const kept = await p.page.evaluate(() => { const t = (window as any).__test; const [a, b, c] = t.snapshots;
        return {
          count: t.snapshots.length,
          sameOrigin: a.timeOrigin === t.timeOrigin && c.timeOrigin === t.timeOrigin,
          sameSvgs: Object.keys(b.svgs).filter((id) => b.svgs[id] === a.svgs[id]),
          sameAfterRemoval: Object.keys(c.svgs).filter((id) => c.svgs[id] === a.svgs[id]),
          moved: Object.keys(b.first).filter((id) => b.first[id] !== a.first[id]),
        }; });
      assert.equal(kept.count, 3, 'three renders: the invalid messages drew nothing');
      assert.ok(kept.sameOrigin, 'the page was not reloaded');
      assert.deepEqual(kept.sameSvgs, model.charts.map((c) => c.id), 'every view kept its SVG element');
      assert.deepEqual(kept.sameAfterRemoval, third.charts.map((c) => c.id));
      assert.deepEqual(kept.moved.sort(), ['capacity', nyq.id].sort(), 'exactly the changed charts moved');
      const saved = await p.page.evaluate(() => (window as any).__test.state);
      assert.equal(saved.model.version, 3, 'the last model is kept with setState');
      assertClean(p, 'update');
    } finally {
      await p.page.close();
    }
  });

  it('draws a comparison as bars with 95 % error bars and the cells as dots, its statistics on hover; and a mean line over replicates', async () => {
    // Three builds, one bar each; the first without spread (one cell), the others with an interval.
    const stats = ['bare Li: n = 3: 3 ± 0.2', 'LNT10F: n = 3: 9.6 ± 0.3; Welch\'s t = 30', 'solo: n = 1'];
    const bars: PreviewModel = {
      schema: 2, uri: 'file:///tmp/bars.cellspec', title: 'Bars', version: 11, dataPending: false,
      legend: [{ key: 'bare Li', index: 0, cells: ['c1', 'c2', 'c3'] }, { key: 'LNT10F', index: 1, cells: ['c4', 'c5', 'c6'] }, { key: 'solo', index: 2, cells: ['solo'] }],
      charts: [
        { id: 'bars', kind: 'comparison', title: 'D_eff by build', x: { title: 'build', unit: '', categories: ['bare Li', 'LNT10F', 'solo'] }, y: { title: 'D_eff', unit: 'cm²/s', zero: true },
          series: [
            { name: 'bare Li', mark: 'bar', points: [[0, 3]], errors: [[2.5, 3.5]], tooltips: [stats[0]], colorKey: 'bare Li', shade: 0 },
            { name: 'LNT10F', mark: 'bar', points: [[1, 9.6]], errors: [[8.9, 10.3]], tooltips: [stats[1]], colorKey: 'LNT10F', shade: 0 },
            { name: 'solo', mark: 'bar', points: [[2, 5]], tooltips: [stats[2]], colorKey: 'solo', shade: 0 },
            { name: 'bare Li cells', mark: 'point', points: [[0, 2.8], [0, 3], [0, 3.2]], tooltips: ['c1', 'c2', 'c3'], colorKey: 'bare Li', shade: 0 },
            { name: 'LNT10F cells', mark: 'point', points: [[1, 9.3], [1, 9.6], [1, 9.9]], tooltips: ['c4', 'c5', 'c6'], colorKey: 'LNT10F', shade: 0 },
          ], notes: stats, line: 2, derivation: 'bars', place: { group: 'sand-series', label: 'compared: D_eff' } },
        { id: 'mean', kind: 'replicates', title: 'Replicates', x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'voltage', unit: 'V' },
          series: [
            { name: 'c1', mark: 'line', points: [[0, -0.01], [1, -0.02], [2, -0.4]], colorKey: 'bare Li', shade: 0.25, line: 4 },
            { name: 'c2', mark: 'line', points: [[0, -0.012], [1, -0.03], [2.2, -0.4]], colorKey: 'bare Li', shade: 0.65, line: 5 },
            { name: 'mean of 2', mark: 'line', strong: true, points: [[0, -0.011], [1, -0.025], [2, -0.3]], colorKey: 'bare Li', shade: 0 },
          ], line: 3, derivation: 'mean', place: { group: 'strip-0p5', cell: 'bare Li', label: 'replicates: stripping voltage' } },
      ],
      results: [], figures: [], anchors: [], predictions: [], problems: [],
    };
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model: bars }]]);
    try {
      await rendered(p.page, 11);
      await assertDrawn(p.page, bars);
      const drawn = await p.page.$eval('[data-chart-id="bars"] .chart', (fig) => ({
        bars: [...fig.querySelectorAll('g.mark-rect.role-mark')].map((g) => g.querySelectorAll('path').length),
        rules: fig.querySelectorAll('g.mark-rule.role-mark line').length,
        labels: [...fig.querySelectorAll('g.role-axis-label text')].map((t) => t.textContent),
      }));
      // One rect per bar, and the two caps of each of the two error bars (ticks are rects too).
      assert.deepEqual(drawn.bars, [3, 2, 2], JSON.stringify(drawn));
      // Each bar in its build's colour of the page's legend, the build's cells' dots in the same;
      // the axis names the builds, so the chart has no legend of its own.
      const colours = await p.page.$eval('[data-chart-id="bars"] .chart', (fig) => ({
        bars: [...fig.querySelectorAll('g.mark-rect.role-mark')[0].querySelectorAll('path')].map((x) => x.getAttribute('fill')),
        dots: [...new Set([...fig.querySelectorAll('g.mark-symbol.role-mark path')].map((x) => x.getAttribute('fill')))],
        legends: fig.querySelectorAll('g.role-legend').length,
      }));
      const swatches = await p.page.$$eval('.page-legend .legend-entry .swatch', (s) => s.map((x) => getComputedStyle(x).backgroundColor));
      const rgb = (c: string | null) => hex(c ?? '');
      assert.deepEqual(colours.bars.map(rgb), swatches, 'each bar in its legend entry\'s colour');
      assert.deepEqual(colours.dots.map(rgb).sort(), swatches.slice(0, 2).sort(), 'the dots of a build in its colour');
      assert.equal(colours.legends, 0, 'no legend of its own');
      assert.equal(drawn.rules, 2, 'one rule per error bar: the build with one cell has none');
      for (const b of ['bare Li', 'LNT10F', 'solo']) assert.ok(drawn.labels.includes(b), `the category ${b} on the axis: ${drawn.labels}`);
      // The bar's tooltip is the build's statistics.
      const bar = p.page.locator('[data-chart-id="bars"] g.mark-rect.role-mark').first().locator('path').nth(1);
      await bar.scrollIntoViewIfNeeded();
      const box = (await bar.boundingBox())!;
      await p.page.mouse.move(box.x + box.width / 2, box.y + box.height - 3);
      const tip = p.page.locator('#vg-tooltip-element.visible');
      await tip.waitFor({ timeout: 30000 });
      assert.match((await tip.textContent()) ?? '', /LNT10F: n = 3: 9\.6 ± 0\.3; Welch's t = 30/);
      // The mean is drawn thicker than the cells it averages.
      const widths = await p.page.$$eval('[data-chart-id="mean"] g.mark-line.role-mark path', (ps) => ps.map((x) => Number(x.getAttribute('stroke-width'))));
      assert.equal(widths.length, 3);
      assert.ok(Math.max(...widths) > 2 * Math.min(...widths), `stroke widths ${widths}`);
      // The replicates in shades of their build's colour, the mean in the colour itself.
      const strokes = await p.page.$$eval('[data-chart-id="mean"] g.mark-line.role-mark path', (ps) => ps.map((x) => x.getAttribute('stroke')));
      assert.equal(new Set(strokes).size, 3, `three shades: ${strokes}`);
      assert.equal(rgb(strokes[widths.indexOf(Math.max(...widths))]), swatches[0], 'the mean in the build\'s own colour');
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-comparison.png') });
      assertClean(p, 'bars');
    } finally {
      await p.page.close();
    }
  });

  it('keeps every point and error bar off the frame, and labels a tiny-valued axis with exponents, not strings of zeros', async () => {
    // The largest error bar ends exactly on a nice value (1e-9): without headroom it would sit on the frame.
    const tiny: PreviewModel = {
      schema: 2, uri: 'file:///tmp/tiny.cellspec', title: 'Tiny', version: 12, dataPending: false, legend: [],
      charts: [
        { id: 'tiny', kind: 'comparison', title: 'D_eff by build', x: { title: 'build', unit: '', categories: ['a', 'b'] }, y: { title: 'D_eff', unit: 'cm²/s', zero: true },
          series: [
            { name: 'a', mark: 'bar', points: [[0, 3.2e-10]], errors: [[2.5e-10, 3.9e-10]] },
            { name: 'b', mark: 'bar', points: [[1, 9.5e-10]], errors: [[8.4e-10, 1e-9]] },
          ], line: 2, derivation: 'bars', place: { group: 'sand-series', label: 'compared: D_eff' } },
        { id: 'scatter', kind: 'sand', title: 'points', x: { title: 'current density', unit: 'mA/cm²' }, y: { title: 'y', unit: '' },
          series: [{ name: 'p', mark: 'point', points: [[0.5, 2], [1, 4], [2, 8]] }], line: 3, derivation: 'points', place: { group: 'sand-series', label: 'points' } },
      ],
      results: [], figures: [], anchors: [], predictions: [], problems: [],
    };
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model: tiny }]]);
    try {
      await rendered(p.page, 12);
      const labels = (id: string, axis: 'X' | 'Y') => p.page.$$eval(`[data-chart-id="${id}"] g.role-axis[aria-label^="${axis}-axis"] g.role-axis-label text`, (ts) => ts.map((t) => t.textContent ?? ''));
      const yLabels = (await labels('tiny', 'Y')).filter((t) => t !== '');
      assert.ok(yLabels.every((t) => t === '0' || /^\d(\.\d+)?e-\d+$/.test(t)), `exponent labels: ${yLabels}`);
      // The error bar's top end lies below the top of the y axis's line (which spans the plot).
      const tops = await p.page.$eval('[data-chart-id="tiny"] .chart', (fig) => ({
        axis: fig.querySelector('g.role-axis[aria-label^="Y-axis"] g.role-axis-domain line, g.role-axis[aria-label^="Y-axis"] g.role-axis-domain path')!.getBoundingClientRect().top,
        bars: Math.min(...[...fig.querySelectorAll('g.mark-rule.role-mark line')].map((l) => l.getBoundingClientRect().top)),
      }));
      assert.ok(tops.bars > tops.axis + 3, `the largest error bar (to 1e-9) ends below the frame: ${JSON.stringify(tops)}`);
      // A scatter's points: drawn whole inside the plot (the axes' lines span it), and a non-negative x does not go below 0.
      const inside = await p.page.$eval('[data-chart-id="scatter"] .chart', (fig) => {
        const box = (sel: string) => fig.querySelector(sel)!.getBoundingClientRect();
        const x = box('g.role-axis[aria-label^="X-axis"] g.role-axis-domain line, g.role-axis[aria-label^="X-axis"] g.role-axis-domain path');
        const y = box('g.role-axis[aria-label^="Y-axis"] g.role-axis-domain line, g.role-axis[aria-label^="Y-axis"] g.role-axis-domain path');
        const points = [...fig.querySelectorAll('g.mark-symbol.role-mark path')].map((q) => q.getBoundingClientRect());
        return { n: points.length, whole: points.every((b) => b.left > x.left && b.right < x.right && b.top > y.top && b.bottom < y.bottom) };
      });
      assert.deepEqual(inside, { n: 3, whole: true });
      const xs = (await labels('scatter', 'X')).filter((t) => t !== '').map(Number);
      assert.ok(Math.min(...xs) >= 0, `x stays non-negative: ${xs}`);
      assertClean(p, 'tiny');
    } finally {
      await p.page.close();
    }
  });

  it('draws the less common shapes: log axes, vertical rules, a chart without series, an empty model', async () => {
    const edge: PreviewModel = {
      schema: 2, uri: 'file:///tmp/edge.cellspec', title: 'Edge <cases> & "quotes"', version: 7, dataPending: true, legend: [], figures: [], anchors: [],
      charts: [
        { id: 'log', kind: 'rate', title: 'Log axes', x: { title: 'frequency', unit: 'Hz', scale: 'log' }, y: { title: '|Z|', unit: 'Ω', scale: 'log' },
          series: [{ name: 'a', mark: 'line', points: [[0.1, 1000], [1, 300], [10, 100], [100, 40], [1e5, 12]] }, { name: 'b', mark: 'point', points: [[1, 200]] }],
          rules: [{ axis: 'x', value: 10, label: 'knee' }, { axis: 'y', value: 50, label: 'limit' }], marks: [{ x: 100, y: 40, label: 'here' }], notes: ['<b>not bold</b>'], line: 3, derivation: 'made up',
          place: { group: 'edge', label: 'log axes' } },
        { id: 'empty', kind: 'capacity', title: 'No series', x: { title: 'cycle', unit: '' }, y: { title: 'capacity', unit: 'mAh/g' }, series: [], line: 4, derivation: '', place: { group: 'edge', label: 'empty' } },
        { id: 'nyq', kind: 'nyquist', title: 'One point', x: { title: 'Re(Z)', unit: 'Ω', zero: true }, y: { title: '-Im(Z)', unit: 'Ω', zero: true },
          series: [{ name: 'only', mark: 'point', points: [[5, 2]] }], line: 5, derivation: '', place: { group: 'edge', label: 'one point' } },
      ],
      results: [], predictions: [], problems: [{ line: 2, severity: 'error', message: 'something <wrong>' }],
    };
    const empty: PreviewModel = { ...edge, version: 8, charts: [], problems: [], dataPending: false };
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model: edge }], [{ type: 'update', model: empty }]]);
    try {
      await rendered(p.page, 7);
      await assertDrawn(p.page, edge);
      assert.equal(await p.page.textContent('h1'), edge.title, 'text stays text');
      assert.equal(await p.page.$$eval('.notes b', (b) => b.length), 0);
      const log = await p.page.$$eval('[data-chart-id="log"] g.role-axis-label text', (t) => t.map((x) => x.textContent));
      assert.ok(log.includes('1,000') || log.includes('1000') || log.includes('1e+3'), `log ticks: ${log}`);
      assert.ok(await p.page.isVisible('.pending'), 'pending data shown');
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-edge-cases.png') });
      await p.page.click('#stub-next');
      await rendered(p.page, 8);
      assert.equal(await p.page.$$eval('[data-chart-id]', (c) => c.length), 0);
      assert.ok(await p.page.isVisible('text=No charts yet'));
      assert.ok(await p.page.isHidden('vscode-collapsible[data-section="problems"]'), 'no problems, no section');
      assertClean(p, 'edge cases');
    } finally {
      await p.page.close();
    }
  });

  it('redraws a restored panel from its saved state at once, before any update', async () => {
    const p = await openPanel(browser, THEMES[2], [], { model, scrollY: 600 });
    try {
      await rendered(p.page, model.version);
      await assertDrawn(p.page, model);
      assert.deepEqual(await sentBy(p.page), [{ type: 'ready' }]);
      await p.page.waitForFunction(() => window.scrollY > 500, undefined, { timeout: 30000 });
      assertClean(p, 'restore');
    } finally {
      await p.page.close();
    }
  });

  it('follows a theme change in place (body class and variables swapped by VS Code)', async () => {
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model }], [switchTheme(THEMES[1])]]);
    try {
      await rendered(p.page, model.version, 1);
      await p.page.click('#stub-next');
      await rendered(p.page, model.version, 2);
      assert.equal((await marksOf(p.page, model.charts[0].id)).background, hex(THEMES[1].vars['--vscode-editor-background']));
      assertClean(p, 'theme change');
    } finally {
      await p.page.close();
    }
  });
});

/** The model of a plan without data: the New Study template, in a folder of its own. */
async function planModel(dir: string): Promise<PreviewModel> {
  const spec = path.join(dir, 'study.cellspec');
  fs.copyFileSync('templates/new-study.cellspec', spec);
  const a = analyzeSpec(new Workspace(nodeFileSystem, shippedLibrary()), fileUri(spec), { plausibility: true });
  assert.ok(a, 'the template is readable');
  const study = new StudySession();
  await study.refresh(a, 1);
  return study.previewModel(a, 1);
}

/** The colour each series of a chart is drawn in: a line's stroke, a bar's fill, else its first visible point's fill. */
async function seriesColours(page: Page, c: ChartModel): Promise<string[]> {
  const drawn = await page.$eval(`[data-chart-id="${c.id}"] .chart`, (fig) => ({
    lines: [...fig.querySelectorAll('g.mark-line.role-mark path')].map((p) => p.getAttribute('stroke')),
    // The bars are the first rect layer (the error bars' caps follow).
    bars: [...(fig.querySelector('g.mark-rect.role-mark')?.querySelectorAll('path') ?? [])].map((p) => p.getAttribute('fill')),
    points: [...fig.querySelectorAll('g.mark-symbol.role-mark path:not([opacity="0"])')].map((p) => p.getAttribute('fill')),
  }));
  // vega draws one path per line series (the mean of replicates last, over the cells), a rect per
  // bar, and point series' symbols in series order.
  const lineOrder = [...c.series.filter((s) => s.mark === 'line' && !s.strong), ...c.series.filter((s) => s.mark === 'line' && s.strong)];
  let bar = 0, point = 0;
  return c.series.map((s) => {
    if (s.mark === 'line') return (drawn.lines[lineOrder.indexOf(s)] ?? '').toLowerCase();
    if (s.mark === 'bar') return (drawn.bars[bar++] ?? '').toLowerCase();
    const first = drawn.points[point] ?? '';
    point += s.points.length;
    return first.toLowerCase();
  });
}

/**
 * The colour a build takes in every chart that draws it: its first series that is neither a fit
 * nor given a lighter shade (a bar, a cell's curve, the first of its cells, the mean of its replicates).
 */
async function buildColours(page: Page, model: PreviewModel, key: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of model.charts) {
    const k = c.series.findIndex((s) => s.colorKey === key && !s.fit && !(s.shade! > 0));
    if (k < 0) continue;
    out[c.id] = (await seriesColours(page, c))[k];
  }
  return out;
}

const visibleCards = (page: Page): Promise<string[]> =>
  page.$$eval('[data-chart-id]', (cards) => cards.filter((c) => !(c as any).hidden).map((c) => (c as any).dataset.chartId));

describe('preview page in Chromium: a preview that guides', function () {
  this.timeout(120000);
  let browser: Browser;
  let model: PreviewModel;
  let dir: string;
  const runLine = (header: string) => fs.readFileSync(STUDY, 'utf8').split('\n').findIndex((l) => l.startsWith(header)) + 1;

  before(async () => {
    model = await studyModel();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-plan-'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('draws a build in one colour in every chart, with one legend for the page, in the palette the settings name', async () => {
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model }], [{ type: 'palette', palette: 'okabe-ito' }]]);
    try {
      await rendered(p.page, model.version, 1);
      // The builds: the cells declared with their replicates (the example declares replicates), in the spec's order.
      const builds = ['sym-Li', 'sym-LNT10F', 'sym-LNT5F5', 'half-Li', 'half-LNT10F', 'half-LNT5F5', 'full-Li', 'full-LNT10F'];
      assert.deepEqual(model.legend.map((e) => e.key), builds, 'the builds, in the order the spec declares them');
      const colours = new Map<string, Record<string, string>>();
      for (const b of builds) colours.set(b, await buildColours(p.page, model, b));
      // A build in its comparison's bar, its cells' CCD, stripping, Sand and contact curves, its replicates' mean and its first cell's spectra alike.
      const halfLi = colours.get('half-Li')!;
      for (const id of ['compare-0-3', 'sand', 'strip-strip-0p5', 'replicates-half-Li-strip-0p5-stripping-voltage', 'contact', 'nyquist-L198']) assert.ok(id in halfLi, `${id} draws half-Li: ${JSON.stringify(halfLi)}`);
      for (const id of ['compare-1-0', 'ccd-L156']) assert.ok(id in colours.get('sym-Li')!, `${id} draws sym-Li`);
      const chartColour = (k: string) => THEMES[0].vars[`--vscode-charts-${k}`];
      const expected = [chartColour('blue'), chartColour('orange'), chartColour('green'), chartColour('red')];
      builds.slice(0, 4).forEach((b, k) => assert.deepEqual(new Set(Object.values(colours.get(b)!)), new Set([expected[k]]), `${b} is the theme's chart colour ${k + 1} everywhere: ${JSON.stringify(colours.get(b))}`));
      const one = builds.map((b) => new Set(Object.values(colours.get(b)!)));
      assert.ok(one.every((c) => c.size === 1), 'each build one colour in every chart');
      assert.equal(new Set(one.map((c) => [...c][0])).size, builds.length, 'a colour per build');
      // The page's one legend: a swatch per build in that colour; a chart has its own only where the page's cannot tell its series apart.
      const legend = await p.page.$$eval('.page-legend .legend-entry', (es) => es.map((e) => ({ key: e.querySelector('.legend-key')!.textContent, cells: e.querySelector('.legend-cells')!.textContent, colour: getComputedStyle(e.querySelector('.swatch')!).backgroundColor })));
      assert.deepEqual(legend.map((e) => e.key), builds);
      assert.deepEqual(legend.map((e) => e.colour), one.map((c) => hex([...c][0])));
      assert.equal(legend[3].cells, 'half-Li-1, half-Li-2, half-Li-3', 'a build\'s replicates in its one entry');
      for (const id of ['capacity', 'compare-0-3']) assert.equal(await p.page.$$eval(`[data-chart-id="${id}"] g.role-legend`, (l) => l.length), 0, `${id}: no legend of its own`);
      for (const id of ['nyquist-L198', 'strip-strip-0p5', 'ccd-L156', 'replicates-half-Li-strip-0p5-stripping-voltage']) {
        assert.ok(await p.page.$$eval(`[data-chart-id="${id}"] g.role-legend`, (l) => l.length) > 0, `${id}: the spectra of one run, or a build's cells in its shades, keep a legend`);
      }
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-guides.png') });

      // cellspec.preview.palette: Okabe–Ito, Li its first colour (blue on a light background), in every chart at once.
      await p.page.click('#stub-next');
      await rendered(p.page, model.version, 2);
      const okabe = await buildColours(p.page, model, 'sym-Li');
      assert.deepEqual(new Set(Object.values(okabe)), new Set(['#0072b2']), JSON.stringify(okabe));
      assert.deepEqual(new Set(Object.values(await buildColours(p.page, model, 'sym-LNT10F'))), new Set(['#e69f00']));
      assert.equal(await p.page.evaluate(() => (window as any).__test.state.palette), 'okabe-ito', 'the palette is kept with the page state');
      await p.page.locator('[data-chart-id="strip-strip-0p5"]').screenshot({ path: path.join(ARTIFACTS, 'preview-okabe-ito.png') });
      assertClean(p, 'colours');
    } finally {
      await p.page.close();
    }
  });

  it('reveals the run behind the clicked point: the second series\' point its own run, not the chart\'s first', async () => {
    const p = await openPanel(browser, THEMES[1], [[{ type: 'update', model }]]);
    try {
      await rendered(p.page, model.version);
      const capacity = model.charts.find((c) => c.id === 'capacity')!;
      const [first, second] = capacity.series;
      assert.deepEqual([first.name, second.name], ['full-Li', 'full-LNT10F']);
      assert.deepEqual([capacity.line, first.line, second.line], [runLine('run cyc-0p3C on full-Li'), runLine('run cyc-0p3C on full-Li'), runLine('run cyc-0p3C on full-LNT10F')]);
      const clickPoint = async (index: number, line: number, what: string) => {
        const point = p.page.locator(`[data-chart-id="capacity"] g.mark-symbol.role-mark path:not([opacity="0"])`).nth(index);
        await point.scrollIntoViewIfNeeded();
        const box = (await point.boundingBox())!;
        await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        return waitForSent(p.page, (m) => m.type === 'reveal' && m.line === line, `reveal ${line} for ${what}`);
      };
      // Cycle 90 of full-LNT10F: full-Li has only 50 cycles, so no point of it lies there.
      assert.deepEqual(await clickPoint(first.points.length + 89, second.line!, 'a point of the second series'), { type: 'reveal', line: second.line });
      const clear = () => p.page.evaluate(() => { const s = (window as any).__test.sent; s.splice(0, s.length); });
      await clear();
      assert.deepEqual(await clickPoint(10, first.line!, 'a point of the first series'), { type: 'reveal', line: first.line });
      // A point series too: Sand's plot, the third build's last cell (drawn over the cells that share its currents).
      const sand = model.charts.find((c) => c.id === 'sand')!;
      const third = sand.series.map((s, k) => ({ s, k })).filter(({ s }) => s.colorKey === 'half-LNT5F5' && !s.fit).pop()!.k;
      assert.equal(sand.series[third].line, runLine('run sand-series on half-LNT5F5-3 '));
      const before = sand.series.slice(0, third).filter((s) => s.mark === 'point').reduce((n, s) => n + s.points.length, 0);
      await clear();
      const point = p.page.locator('[data-chart-id="sand"] g.mark-symbol.role-mark path:not([opacity="0"])').nth(before + 3);
      await point.scrollIntoViewIfNeeded();
      const box = (await point.boundingBox())!;
      await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      assert.deepEqual(await waitForSent(p.page, (m) => m.type === 'reveal', 'a reveal from Sand\'s plot'), { type: 'reveal', line: runLine('run sand-series on half-LNT5F5-3 ') });
      assertClean(p, 'click to reveal');
    } finally {
      await p.page.close();
    }
  });

  it('finds a chart among 41: a table of contents by protocol and cell, a filter, the legend\'s builds; problems collapsed below the charts; no version number', async () => {
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model }]]);
    try {
      await rendered(p.page, model.version);
      assert.equal(await p.page.textContent('.subtitle'), 'study.cellspec', 'the file, no document version');
      assert.doesNotMatch(await p.page.innerText('header.page-header'), /version/i);
      assert.deepEqual(await p.page.$$eval('#app > vscode-collapsible', (s) => s.map((x) => [(x as any).dataset.section, (x as any).open])),
        [['contents', true], ['charts', true], ['problems', false], ['results', true], ['predictions', true]], 'the problems collapsed, right below the charts');
      // The contents: a row per protocol in the order of their first chart, under it a row per cell.
      const groups = await p.page.$$eval('.toc-group', (gs) => gs.map((g) => ({
        group: g.querySelector('.toc-protocol')!.textContent, cells: [...g.querySelectorAll('.toc-cell')].map((c) => c.textContent),
      })));
      assert.deepEqual(groups.map((g) => g.group), [...new Set(model.charts.map((c) => c.place.group))]);
      // A build's replicates overlaid under the build, then one cell's spectra under that cell.
      assert.deepEqual(groups.find((g) => g.group === 'strip-0p5')!.cells, ['half-Li', 'half-LNT10F', 'half-LNT5F5', 'half-Li-1', 'half-LNT10F-1', 'half-LNT5F5-1']);
      assert.equal(await p.page.$$eval('.toc-link', (l) => l.length), model.charts.length, 'an entry per chart');
      const all = model.charts.length;
      assert.equal(all, 41);
      // An entry scrolls its chart to the top of the page.
      await p.page.locator('.toc-group[data-group="strip-0p5"] .toc-row', { hasText: 'half-LNT5F5-1' }).locator('.toc-link', { hasText: 'DRT' }).click();
      await p.page.waitForFunction(() => Math.abs(document.querySelector('[data-chart-id="drt-L224"]').getBoundingClientRect().top) < 30, undefined, { timeout: 30000 });

      // Words of the title, protocol, cell or series: all must match.
      const count = (n: number) => p.page.waitForFunction((t: string) => document.querySelector('.filter-count').textContent === t, `${n} of ${all} charts`);
      await p.page.fill('input.filter', 'LNT5F5 nyquist');
      await count(1);
      assert.deepEqual(await visibleCards(p.page), ['nyquist-L224']);
      assert.deepEqual(await p.page.$$eval('.toc-link', (l) => l.filter((a) => !(a as any).hidden).map((a) => a.textContent)), ['Nyquist']);
      await p.page.fill('input.filter', 'sym');
      await count(4);
      assert.deepEqual(await visibleCards(p.page), ['compare-1-0', 'ccd-L156', 'ccd-L169', 'ccd-L182']);
      await p.page.fill('input.filter', 'no such chart');
      assert.ok(await p.page.isVisible('text=No chart matches the filter.'));
      await p.page.fill('input.filter', '');
      // A build in the legend keeps only the charts that draw it.
      await p.page.click('.legend-entry[data-key="half-LNT5F5"]');
      const withLnt5 = model.charts.filter((c) => c.series.some((s) => s.colorKey === 'half-LNT5F5')).map((c) => c.id);
      assert.ok(withLnt5.length > 5 && withLnt5.length < model.charts.length);
      await count(withLnt5.length);
      assert.deepEqual(await visibleCards(p.page), withLnt5);
      assert.equal(await p.page.getAttribute('.legend-entry[data-key="half-LNT5F5"]', 'aria-pressed'), 'true');
      await p.page.evaluate(() => window.scrollTo(0, 0));
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-filtered.png') });
      const saved = await p.page.evaluate(() => (window as any).__test.state.filter);
      assert.deepEqual(saved, { text: '', builds: ['half-LNT5F5'] }, 'the filter is kept with the page state');
      assertClean(p, 'contents');
    } finally {
      await p.page.close();
    }
  });

  it('follows the editor\'s cursor to a run\'s charts without echoing its own scroll; a user\'s scroll names the run at the top', async () => {
    const line = runLine('run strip-0p5 on half-LNT10F-1 ');
    const p = await openPanel(browser, THEMES[1], [[{ type: 'update', model }], [{ type: 'scrollTo', line }]]);
    try {
      await rendered(p.page, model.version);
      await p.page.click('#stub-next');
      await p.page.waitForSelector(`body[data-followed="${line}"]`, { state: 'attached', timeout: 5000 });
      // Every chart that draws the run is marked; the first of them is at the top of the page.
      const ofRun = model.charts.filter((c) => c.line === line || c.series.some((s) => s.line === line)).map((c) => c.id);
      // The protocol's curves, then the build's replicates (it is their first cell), its contact, its spectra.
      assert.deepEqual(ofRun.slice(0, 3), ['strip-strip-0p5', 'replicates-half-LNT10F-strip-0p5-stripping-voltage', 'replicates-half-LNT10F-strip-0p5-contact-retention']);
      for (const id of ['contact', 'rohm', 'nyquist-L211', 'drt-L211']) assert.ok(ofRun.includes(id), id);
      assert.deepEqual(await p.page.$$eval('.chart-card.is-current', (cs) => cs.map((c) => (c as any).dataset.chartId)), ofRun);
      const top = await p.page.$eval('[data-chart-id="strip-strip-0p5"]', (c) => c.getBoundingClientRect().top);
      assert.ok(top >= 0 && top < 30, `the run's first chart at the top (${top} px)`);
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-followed.png') });
      // The page's own scroll is not sent back to the editor (the Markdown preview's loop guard).
      await p.page.waitForTimeout(1000);
      assert.deepEqual((await sentBy(p.page)).filter((m) => m.type === 'scrolled'), []);
      // A scroll by the user is: the run of the chart now at the top.
      await p.page.mouse.move(640, 400);
      const y0 = await p.page.evaluate(() => window.scrollY);
      // To the cycling charts: past those that also draw the followed run's build (its replicates, its spectra).
      const far = await p.page.$eval('[data-chart-id="capacity"]', (c) => Math.round(c.getBoundingClientRect().top) - 100);
      assert.ok(far > 3000, `the cycling charts ${far} px further down`);
      await p.page.mouse.wheel(0, far);
      await p.page.waitForFunction((y: number) => window.scrollY > y + 3000, y0, { timeout: 30000 }).catch(async () => {
        assert.fail(`the wheel did not scroll the page: ${y0} → ${await p.page.evaluate(() => window.scrollY)}`);
      });
      const m = await waitForSent(p.page, (x) => x.type === 'scrolled', 'a scrolled message');
      const expected = await p.page.evaluate(() => Number([...document.querySelectorAll('[data-chart-id]')].find((c) => c.getBoundingClientRect().bottom > 24).dataset.line));
      assert.deepEqual(m, { type: 'scrolled', line: expected });
      assert.notEqual(expected, line, 'another run than the one followed');
      assert.ok(parseFromPage(m));
      assertClean(p, 'follow');
    } finally {
      await p.page.close();
    }
  });

  it('draws the plan itself for a plan without data: the CCD staircase, the predicted Sand line, the C-rate schedule, the study timeline', async () => {
    const plan = await planModel(dir);
    assert.deepEqual(plan.charts.map((c) => c.id), ['plan-ccd-ramp', 'plan-sand-series', 'plan-cycling-0p3C', 'plan-timeline']);
    const p = await openPanel(browser, THEMES[0], [[{ type: 'update', model: plan }]]);
    try {
      await rendered(p.page, plan.version);
      await assertDrawn(p.page, plan);
      assert.ok(await p.page.isHidden('text=No charts yet'));
      const cells = await p.page.$$eval('[data-chart-id="plan-timeline"] g.role-axis-label text', (t) => t.map((x) => x.textContent));
      for (const cell of ['sym-Li', 'half-Li', 'full-Li']) assert.ok(cells.includes(cell), `the timeline names ${cell}: ${cells}`);
      await p.page.screenshot({ path: path.join(ARTIFACTS, 'preview-plan.png'), fullPage: true });
      assertClean(p, 'plan');
    } finally {
      await p.page.close();
    }
  });
});

describe('cellspec report', function () {
  this.timeout(120000);
  let browser: Browser;
  let dir: string;
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60000 });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-report-'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes one self-contained HTML file that draws offline from file://', async () => {
    const out = path.join(dir, 'report.html');
    const r = run(['report', STUDY, '-o', out]);
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(fs.readdirSync(dir), ['report.html'], 'nothing else written');
    const html = fs.readFileSync(out, 'utf8');
    const markup = html.replace(/(<script nonce="[^"]+">)[\s\S]*?(<\/script>)/, '$1$2').replace(/(<style nonce="[^"]+">)[\s\S]*?(<\/style>)/, '$1$2');
    assert.doesNotMatch(markup, /<script[^>]+src=|<link[^>]|@import/, `no external script or stylesheet: ${markup.replace(/id="model">[\s\S]*?<\/script>/, '')}`);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: blob:; style-src 'nonce-[^']+'; script-src 'nonce-[^']+'/);
    const model = JSON.parse(/<script type="application\/json" id="model">([\s\S]*?)<\/script>/.exec(html)![1]) as PreviewModel;
    assert.equal(model.charts.length, (await studyModel()).charts.length);

    const page = await browser.context.newPage();
    const w = await watch(page);
    const aborted: string[] = [];
    await serve(page, {}, aborted);
    try {
      await page.goto(URI.file(out).toString());
      await rendered(page, model.version);
      await assertDrawn(page, model);
      // Exports download through a Blob link.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.page-actions vscode-button[data-export="csv"]').click()]);
      assert.equal(download.suggestedFilename(), 'study-results.csv');
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      assert.ok(csv.replace(/^\ufeff/, '').startsWith('run,cell,quantity,value,unit,stderr,bound,line\r\n'));
      const [png] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-chart-id="${model.charts[1].id}"] vscode-button[data-export="png"]`).click()]);
      assert.match(png.suggestedFilename(), /\.png$/);
      assert.equal(fs.readFileSync((await png.path())!).subarray(1, 4).toString(), 'PNG');
      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: false });
      assertClean({ watch: w, aborted }, 'report');
      assert.deepEqual(fs.readdirSync(dir), ['report.html']);
    } finally {
      await page.close();
    }
  });

  it('escapes the model so no text in it can end its script element', () => {
    const model: PreviewModel = { schema: 2, uri: 'file:///x.cellspec', title: '</script><script>alert(1)</script>', version: 0, charts: [], legend: [], results: [], figures: [], anchors: [], predictions: [], problems: [], dataPending: false };
    const html = reportHtml(model, { script: 'var s = "</script>"; // <!-- x', css: 'a::after { content: "</style>" }', nonce: 'n' });
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'only the two real script ends');
    assert.equal((html.match(/<\/style>/g) ?? []).length, 1, 'only the real style end');
    assert.ok(!html.includes('<!--'));
    assert.ok(html.includes('<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>'));
  });

  it('refuses to overwrite the spec, needs -o, and exits like analyze', () => {
    const spec = path.join(dir, 'study.cellspec');
    fs.copyFileSync(STUDY, spec);
    const text = fs.readFileSync(spec, 'utf8');
    const same = run(['report', spec, '-o', spec]);
    assert.equal(same.status, 2, same.out);
    assert.match(same.out, /refusing to overwrite/);
    const relative = spawnSync(process.execPath, [CLI, 'report', 'study.cellspec', '-o', './study.cellspec'], { cwd: dir, encoding: 'utf8' });
    assert.equal(relative.status, 2);
    assert.equal(fs.readFileSync(spec, 'utf8'), text, 'the spec is untouched');
    assert.equal(run(['report', STUDY]).status, 2, 'no -o');
    assert.equal(run(['report', STUDY, '-o']).status, 2, '-o without a file');
    assert.equal(run(['report', '--jsn', STUDY, '-o', path.join(dir, 'x.html')]).status, 2, 'unknown option');
    assert.equal(run(['report', path.join(dir, 'missing.cellspec'), '-o', path.join(dir, 'x.html')]).status, 2, 'unreadable spec');
    assert.equal(run(['report', STUDY, '-o', path.join(dir, 'no-such-dir', 'x.html')]).status, 2, 'unwritable output');
    assert.ok(!fs.existsSync(path.join(dir, 'x.html')));
    // A spec with an error still gets its report, and exit code 1.
    const bad = path.join(dir, 'bad.cellspec');
    fs.writeFileSync(bad, 'material Li {\n  role metal\n  density 0.534 g/cm³\n  molar-mass 6.941 mm\n}\n');
    const r = run(['report', bad, '-o', path.join(dir, 'bad.html')]);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /error wrong-dimension/);
    assert.ok(fs.readFileSync(path.join(dir, 'bad.html'), 'utf8').includes('wrong dimension'));
    fs.rmSync(path.join(dir, 'bad.html'));
    fs.rmSync(bad);
    fs.rmSync(spec);
  });
});
