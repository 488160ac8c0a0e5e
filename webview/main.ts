// The analysis preview page. It draws what the engine computed (a PreviewModel) and computes
// nothing: the page's legend, a table of contents with a filter, the charts, the problems
// (collapsed below the charts), the results and predictions tables, a pending indicator. In VS
// Code it says 'ready', redraws in place on every validated 'update' and keeps in step with the
// editor (follow.ts); in a report it reads the model embedded in the page.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { Charts, Look } from './charts';
import { Contents, Filter, matches } from './contents';
import { el } from './dom';
import { Follow } from './follow';
import { createHost, ExportFormat, PageState } from './host';
import { Palette, parseToPage, PreviewModel } from '../protocol/preview';
import { predictionsTable, problemsTable, resultsCsv, resultsJson, resultsTable } from './tables';
import { readTheme, Theme, ThemeKind, themeKey } from './theme';

// Lit falls back to <style> elements where constructable stylesheets are missing; those then
// carry the page's nonce instead of needing 'unsafe-inline'.
(window as unknown as { litNonce?: string }).litNonce = (document.currentScript as HTMLScriptElement | null)?.nonce || undefined;

const host = createHost();
const app = document.getElementById('app') ?? document.body.appendChild(el('main', { id: 'app' }));

let model: PreviewModel | undefined;
let modelJson = '';
let themeOverride: ThemeKind | undefined;
let theme: Theme = readTheme();
let renders = 0;
let state: PageState = host.getState();
let palette: Palette = state.palette ?? 'theme';
const look = (): Look => ({ theme, legend: model?.legend ?? [], palette });

const reveal = (line: number) => host.post({ type: 'reveal', line });
const stem = () => (model?.uri.replace(/^.*[\\/]/, '').replace(/\.cellspec$/i, '') || 'cellspec');
const save = (format: ExportFormat, name: string, data: string) => host.save(format, name, data);

// ---- layout ---------------------------------------------------------------------------------

const title = el('h1', { class: 'title' });
const subtitle = el('p', { class: 'subtitle' });
const pending = el('div', { class: 'pending', role: 'status', hidden: '' }, el('vscode-progress-ring', { 'aria-hidden': 'true' }), el('span', {}, 'Data analysis pending…'));
const exportButton = (label: string, format: 'csv' | 'json') => {
  const b = el('vscode-button', { secondary: '', 'data-export': format, title: `Save the results as ${label}` }, label);
  b.addEventListener('click', () => {
    if (!model) return;
    save(format, `${stem()}-results`, format === 'csv' ? resultsCsv(model.figures) : resultsJson(model));
  });
  return b;
};
const header = el('header', { class: 'page-header' },
  el('div', { class: 'titles' }, title, subtitle),
  pending,
  el('div', { class: 'page-actions' }, exportButton('Results CSV', 'csv'), exportButton('Results JSON', 'json')));

/** Sections closed until the user opens them: the problems sit collapsed below the charts. */
const CLOSED_AT_FIRST = ['problems'];
const section = (id: string, heading: string, ...content: Node[]) => {
  const s = el('vscode-collapsible', { heading, 'data-section': id, class: 'section' }, el('div', { class: 'section-body' }, ...content));
  s.open = !(state.closed ?? CLOSED_AT_FIRST).includes(id);
  s.addEventListener('vsc-collapsible-toggle', (ev) => {
    const closed = new Set(state.closed ?? CLOSED_AT_FIRST);
    if (ev.detail.open) closed.delete(id); else closed.add(id);
    saveState({ closed: [...closed] });
  });
  return s;
};
const empty = (text: string) => el('p', { class: 'empty', hidden: '' }, text);

const chartsRoot = el('div', { class: 'charts' });
const chartsEmpty = empty('No charts yet: no run of this spec has data to plot, and its plan has nothing to draw.');
const chartsFiltered = empty('No chart matches the filter.');
const chartsError = el('p', { class: 'error', hidden: '', role: 'alert' });
const results = resultsTable(reveal);
const resultsEmpty = empty('No results yet: runs with data files show theirs here.');
const predictions = predictionsTable(reveal);
const predictionsEmpty = empty('Nothing derived from the plan yet.');
const problems = problemsTable(reveal);

const contents = new Contents(state.filter ?? { text: '', builds: [] }, {
  filterChanged: (f) => { saveState({ filter: f }); applyFilter(); },
  go: (id) => document.querySelector(`[data-chart-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'start' }),
});

const sections = {
  contents: section('contents', 'Contents', contents.element),
  charts: section('charts', 'Charts', chartsError, chartsEmpty, chartsFiltered, chartsRoot),
  problems: section('problems', 'Problems', problems.element),
  results: section('results', 'Results', resultsEmpty, results.element),
  predictions: section('predictions', 'Predictions of the plan', predictionsEmpty, predictions.element),
};
app.replaceChildren(header, contents.legendElement, sections.contents, sections.charts, sections.problems, sections.results, sections.predictions);

const charts = new Charts(chartsRoot, { reveal, save: (format, id, data) => save(format, `${stem()}-${id}`, data) });
const follow = new Follow({
  cards: () => charts.cards(),
  anchors: () => model?.anchors ?? [],
  scrolled: (line) => host.post({ type: 'scrolled', line }),
});

/** Shows the charts that pass the filter and redraws the legend and contents to match. */
function applyFilter() {
  const f: Filter = contents.current;
  const list = model?.charts ?? [];
  const shown = (c: (typeof list)[number]) => matches(c, f);
  for (const { card, chart } of charts.cards()) card.hidden = !shown(chart);
  contents.render(list, model?.legend ?? [], palette, theme, shown);
  chartsFiltered.hidden = !list.length || list.some(shown);
  sections.contents.hidden = list.length < 2;
}

// ---- state ----------------------------------------------------------------------------------

function saveState(patch: Partial<PageState>) {
  state = { ...state, ...patch };
  host.setState(state);
}

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => saveState({ scrollY: Math.round(window.scrollY) }), 150);
}, { passive: true });

// ---- rendering ------------------------------------------------------------------------------

/** One render at a time; updates arriving meanwhile collapse into the newest. */
let queued: (() => Promise<void>) | undefined;
let running = false;
function schedule(task: () => Promise<void>) {
  queued = task;
  if (running) return;
  running = true;
  void (async () => {
    while (queued) {
      const next = queued;
      queued = undefined;
      try {
        await next();
      } catch (e) {
        chartsError.textContent = `Some charts could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
        chartsError.hidden = false;
        document.body.dataset.state = 'error';
        console.error(e);
      }
    }
    running = false;
    flushScroll();
  })();
}

/** The editor's cursor moved to another run: scrolled to once the render in progress (if any) is done. */
let pendingScroll: number | undefined;
function followTo(line: number) {
  pendingScroll = line;
  if (!running) flushScroll();
}
function flushScroll() {
  if (pendingScroll === undefined) return;
  const line = pendingScroll;
  pendingScroll = undefined;
  follow.scrollTo(line);
}

async function render(m: PreviewModel, force = false) {
  const json = JSON.stringify(m);
  if (!force && json === modelJson) return;
  document.body.dataset.state = 'rendering';
  model = m;
  modelJson = json;
  title.textContent = m.title;
  // The file, not the document version ("version 404" reads as an HTTP error).
  subtitle.textContent = m.uri.replace(/^.*[\\/]/, '');
  pending.hidden = !m.dataPending;
  document.body.classList.toggle('data-pending', m.dataPending);

  results.rows = m.results;
  resultsEmpty.hidden = m.results.length > 0;
  results.element.hidden = !m.results.length;
  predictions.rows = m.predictions;
  predictionsEmpty.hidden = m.predictions.length > 0;
  predictions.element.hidden = !m.predictions.length;
  problems.rows = m.problems;
  sections.problems.hidden = !m.problems.length;
  const errors = m.problems.filter((p) => p.severity === 'error').length;
  sections.problems.setAttribute('description', errors ? `${m.problems.length} (${errors} error${errors > 1 ? 's' : ''})` : String(m.problems.length));
  sections.charts.setAttribute('description', String(m.charts.length));
  sections.results.setAttribute('description', String(m.results.length));
  sections.predictions.setAttribute('description', String(m.predictions.length));
  chartsEmpty.hidden = m.charts.length > 0;

  chartsError.hidden = true;
  await charts.update(m.charts, look());
  applyFilter();
  saveState({ model: m });
  document.body.dataset.version = String(m.version);
  document.body.dataset.renders = String(++renders);
  document.body.dataset.views = String(charts.created);
  document.body.dataset.state = 'ready';
}

function show(m: PreviewModel, then?: () => void) {
  schedule(async () => {
    await render(m);
    then?.();
  });
}

/** Colours come from the theme's variables: a new theme redraws every chart. */
function retheme() {
  const next = readTheme(themeOverride);
  if (themeKey(next) === themeKey(theme)) return;
  theme = next;
  redraw();
}

/** The look changed (theme, palette): every chart and the legend again. */
function redraw() {
  const m = model;
  if (m) schedule(() => render(m, true));
}
let themeFrame = 0;
const rethemeSoon = () => {
  cancelAnimationFrame(themeFrame);
  themeFrame = requestAnimationFrame(retheme);
};
// VS Code swaps the body class and the variables on <html> when the colour theme changes.
new MutationObserver(rethemeSoon).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new MutationObserver(rethemeSoon).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', rethemeSoon);

// A narrower or wider panel redraws the charts at their new width.
let lastWidth = 0;
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  const w = chartsRoot.clientWidth;
  if (Math.abs(w - lastWidth) < 8) return;
  lastWidth = w;
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (model) schedule(() => charts.resize(look())); }, 150);
}).observe(chartsRoot);

// ---- start ----------------------------------------------------------------------------------

const initial = host.initialModel();
if (initial) {
  // A restored panel (or the report) draws at once; the extension's update follows.
  const y = state.scrollY;
  show(initial, () => {
    if (!y) return;
    follow.hold();
    window.scrollTo(0, y);
  });
} else {
  document.body.dataset.state = 'waiting';
}

if (host.kind === 'vscode') {
  window.addEventListener('message', (ev: MessageEvent) => {
    const msg = parseToPage(ev.data);
    if (!msg) return;
    if (msg.type === 'update') show(msg.model);
    else if (msg.type === 'theme') { themeOverride = msg.kind; rethemeSoon(); }
    else if (msg.type === 'palette') {
      if (msg.palette === palette) return;
      palette = msg.palette;
      saveState({ palette });
      redraw();
    } else followTo(msg.line);
  });
  host.post({ type: 'ready' });
}
