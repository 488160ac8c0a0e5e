// Draws each ChartModel as a vega-lite spec compiled to vega and run on the expression interpreter
// (ast: true), so the page needs no 'unsafe-eval'. Views are kept per chart id: an update with the
// same shape (axes, series, theme, width) only swaps the datasets of the running view.
import embed, { Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { TopLevelSpec } from 'vega-lite';
import { el } from './dom';
import type { Axis, ChartModel } from '../protocol/preview';
import { Theme, themeKey } from './theme';

export interface ChartActions {
  reveal(line: number): void;
  save(format: 'svg' | 'png', name: string, data: string): void;
}

interface Drawn {
  card: HTMLElement;
  heading: HTMLElement;
  figure: HTMLElement;
  notes: HTMLElement;
  derivation: HTMLElement;
  chart: ChartModel;
  /** What forces a new view when it changes; data alone does not. */
  shape?: string;
  result?: Result;
}

/** The rows of the three datasets a chart's view draws. */
interface Datasets {
  /**
   * s: the series name; c: its colour key; k: its index; i: the point's index in it; xl: the
   * category of x on a categorical axis; lo, hi: the error bar; t: the point's own tooltip; w: a
   * strong (mean) line.
   */
  points: { s: string; c: string; k: number; m: 'line' | 'point' | 'bar'; i: number; x: number; y: number; xl?: string; lo?: number; hi?: number; t?: string; w?: boolean }[];
  rules: { axis: 'x' | 'y'; value: number; label: string }[];
  marks: { x: number; y: number; label: string; align: 'left' | 'right'; dx: number; dy: number }[];
}

type Layers = Extract<TopLevelSpec, { layer: unknown[] }>['layer'];

const HEIGHT = 260;
const NYQUIST_HEIGHT = 300;
/** Room left of and around the plot for the y axis; the legend sits below. */
const Y_AXIS_ROOM = 78;

const axisTitle = (a: Axis) => (a.unit ? `${a.title} (${a.unit})` : a.title);
const isLog = (a: Axis) => a.scale === 'log';

/**
 * Series are coloured by name; a fitted line ("Li fit") takes the colour of the data it fits
 * ("Li") when both are in the chart, so the legend has one entry per cell as in the study's figures.
 */
export function colourKeys(c: ChartModel): string[] {
  const names = new Set(c.series.map((s) => s.name));
  return c.series.map((s) => {
    // "Li fit" and "Li cells" (the dots of a build's cells) take the colour of "Li".
    const base = s.name.replace(/ (fit|cells)$/, '');
    return base !== s.name && names.has(base) ? base : s.name;
  });
}

export function datasets(c: ChartModel): Datasets {
  const points: Datasets['points'] = [];
  const keys = colourKeys(c);
  const categories = c.x.categories;
  c.series.forEach((s, k) => s.points.forEach(([x, y], i) => {
    const row: Datasets['points'][number] = { s: s.name, c: keys[k], k, m: s.mark, i, x, y };
    if (categories) row.xl = categories[x] ?? String(x);
    if (s.errors) { row.lo = s.errors[i][0]; row.hi = s.errors[i][1]; }
    if (s.tooltips) row.t = String(s.tooltips[i]);
    if (s.strong) row.w = true;
    points.push(row);
  }));
  // Labels of marked points: stacked upwards so labels at one height do not overlap, and turned
  // to the left in the right half so they stay inside the plot.
  let lo = Infinity, hi = -Infinity;
  for (const p of points) { lo = Math.min(lo, p.x); hi = Math.max(hi, p.x); }
  const mid = Number.isFinite(lo) ? (lo + hi) / 2 : 0;
  const marks = (c.marks ?? []).map((m, k) => {
    const right = m.x > mid;
    return { x: m.x, y: m.y, label: String(m.label), align: right ? 'right' as const : 'left' as const, dx: right ? -8 : 8, dy: -12 - 14 * k };
  });
  const rules = (c.rules ?? []).map((r) => ({ axis: r.axis, value: r.value, label: String(r.label) }));
  return { points, rules, marks };
}

/** Nyquist plots: the same Ω per pixel on both axes, zero included where the axis asks for it. */
export function equalDomains(c: ChartModel, width: number, height: number): { x: [number, number]; y: [number, number] } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of c.series) for (const [x, y] of s.points) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) return { x: [0, 1], y: [0, height / width] };
  if (c.x.zero) { x0 = Math.min(0, x0); x1 = Math.max(0, x1); }
  if (c.y.zero) { y0 = Math.min(0, y0); y1 = Math.max(0, y1); }
  const perPixel = (Math.max((x1 - x0) / width, (y1 - y0) / height) || 1 / width) * 1.04;
  return { x: [x0, x0 + perPixel * width], y: [y0, y0 + perPixel * height] };
}

function sizeOf(c: ChartModel, figureWidth: number) {
  const width = Math.max(220, Math.round(figureWidth - Y_AXIS_ROOM));
  return { width, height: c.kind === 'nyquist' ? NYQUIST_HEIGHT : HEIGHT };
}

/** The vega-lite spec of one chart; the data are filled in from `datasets`. */
export function chartSpec(c: ChartModel, theme: Theme, figureWidth: number): TopLevelSpec {
  const { width, height } = sizeOf(c, figureWidth);
  const data = datasets(c);
  const nyquist = c.kind === 'nyquist';
  // Data-driven domains hold every point: no clipping, so points on the plot's edge stay whole.
  const clip = nyquist || isLog(c.x) || isLog(c.y);
  const scale = (a: Axis, channel: 'x' | 'y') => isLog(a)
    ? { type: 'log' as const }
    : nyquist ? { type: 'linear' as const, zero: false, nice: false, domain: { expr: `${channel}dom` } } : { type: 'linear' as const, zero: !!a.zero };
  // Counts (cycle, segment) get whole-number ticks only.
  const counted = (k: 0 | 1) => c.series.every((s) => s.points.every((p) => Number.isInteger(p[k])));
  const axis = (k: 0 | 1) => (counted(k) ? { tickMinStep: 1 } : {});
  const categorical = !!c.x.categories;
  const x = categorical
    ? { field: 'xl', type: 'nominal' as const, title: axisTitle(c.x), sort: c.x.categories, axis: { labelAngle: 0, labelLimit: 160 } }
    : { field: 'x', type: 'quantitative' as const, title: axisTitle(c.x), scale: scale(c.x, 'x'), axis: axis(0) };
  const y = { field: 'y', type: 'quantitative' as const, title: axisTitle(c.y), scale: scale(c.y, 'y'), axis: axis(1) };
  const names = [...new Set(colourKeys(c))];
  const many = names.length > 1;
  const color = {
    field: 'c', type: 'nominal' as const, sort: names, title: null,
    legend: many ? { orient: 'bottom' as const, direction: 'horizontal' as const, columns: Math.max(1, Math.floor(width / 150)), labelLimit: 160 } : null,
  };
  // The tooltip shows each value with its unit: "current density: 1.5 mA/cm²".
  const withUnits = [
    { calculate: `format(datum.x, '.4~g')${c.x.unit ? ` + ' ' + ${JSON.stringify(c.x.unit)}` : ''}`, as: 'xt' },
    { calculate: `format(datum.y, '.4~g')${c.y.unit ? ` + ' ' + ${JSON.stringify(c.y.unit)}` : ''}`, as: 'yt' },
  ];
  // A point with its own tooltip (a build's statistics) shows that; the others their values.
  const own = c.series.some((s) => s.tooltips);
  if (own) withUnits.push({ calculate: `datum.t ? datum.t : datum.s + ': ' + datum.yt`, as: 'tt' });
  const tooltip = own ? { field: 'tt' } : [{ field: 's', title: 'series' }, { field: 'xt', title: c.x.title }, { field: 'yt', title: c.y.title }];
  const hasLines = c.series.some((s) => s.mark === 'line');
  const hasPoints = c.series.some((s) => s.mark === 'point');
  const layer: Layers = [];
  if (c.series.some((s) => s.mark === 'bar')) {
    layer.push({
      data: { name: 'points' }, transform: [{ filter: "datum.m === 'bar'" }, ...withUnits],
      mark: { type: 'bar', opacity: 0.7, ...(theme.highContrast ? { stroke: theme.foreground, strokeWidth: 1 } : {}) },
      encoding: { x, y, color, tooltip },
    });
  }
  if (c.series.some((s) => s.errors)) {
    // Error bars: a rule from low to high with a cap at each end.
    const lo = { ...y, field: 'lo' }, hi = { field: 'hi' };
    const errorRows = [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }, ...withUnits];
    const stroke = { color: theme.foreground, strokeWidth: theme.highContrast ? 2 : 1.3 };
    layer.push({ data: { name: 'points' }, transform: errorRows, mark: { type: 'rule', ...stroke }, encoding: { x, y: lo, y2: hi, tooltip } });
    for (const end of ['lo', 'hi']) {
      layer.push({ data: { name: 'points' }, transform: errorRows, mark: { type: 'tick', orient: 'horizontal', size: 14, thickness: stroke.strokeWidth, color: theme.foreground }, encoding: { x, y: { ...y, field: end }, tooltip } });
    }
  }
  if (hasLines) {
    const strong = c.series.some((s) => s.strong);
    const width = theme.highContrast ? 2.5 : 1.5;
    layer.push({
      data: { name: 'points' }, transform: [{ filter: strong ? "datum.m === 'line' && !datum.w" : "datum.m === 'line'" }],
      mark: { type: 'line', clip, strokeWidth: width, interpolate: 'linear', ...(strong ? { opacity: 0.75 } : {}) },
      encoding: { x, y, color, detail: { field: 'k' }, order: { field: 'i' } },
    });
    if (strong) {
      layer.push({
        data: { name: 'points' }, transform: [{ filter: "datum.m === 'line' && datum.w" }],
        mark: { type: 'line', clip, strokeWidth: width * 2.2, interpolate: 'linear' },
        encoding: { x, y, color, detail: { field: 'k' }, order: { field: 'i' } },
      });
    }
    // Invisible points along the lines carry the tooltip (a path has one datum only).
    layer.push({
      data: { name: 'points' }, transform: [{ filter: "datum.m === 'line'" }, ...withUnits],
      mark: { type: 'point', clip, opacity: 0, size: 70, filled: true },
      encoding: { x, y, color, tooltip },
    });
  }
  if (hasPoints) {
    layer.push({
      data: { name: 'points' }, transform: [{ filter: "datum.m === 'point'" }, ...withUnits],
      mark: { type: 'point', clip, filled: true, size: theme.highContrast ? 46 : 30, opacity: 0.9, ...(theme.highContrast ? { stroke: theme.foreground, strokeWidth: 0.5 } : {}) },
      encoding: { x, y, color, tooltip },
    });
  }
  const ruleMark = { color: theme.muted, strokeDash: [5, 4], strokeWidth: theme.highContrast ? 2 : 1.2 };
  if (data.rules.some((r) => r.axis === 'y')) {
    const ry = { ...y, field: 'value' };
    layer.push({ data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'y'" }], mark: { type: 'rule', ...ruleMark }, encoding: { y: ry, tooltip: { field: 'label' } } });
    layer.push({ data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'y'" }], mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 3, color: theme.muted },
      encoding: { y: ry, x: { value: width }, text: { field: 'label' } } });
  }
  if (data.rules.some((r) => r.axis === 'x')) {
    const rx = { ...x, field: 'value' };
    layer.push({ data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'x'" }], mark: { type: 'rule', ...ruleMark }, encoding: { x: rx, tooltip: { field: 'label' } } });
    layer.push({ data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'x'" }], mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 3, color: theme.muted },
      encoding: { x: rx, y: { value: 0 }, text: { field: 'label' } } });
  }
  if (data.marks.length) {
    layer.push({ data: { name: 'marks' }, mark: { type: 'point', shape: 'diamond', size: 110, filled: false, strokeWidth: theme.highContrast ? 2.5 : 1.8, color: theme.foreground },
      encoding: { x, y, tooltip: { field: 'label' } } });
    layer.push({ data: { name: 'marks' }, mark: { type: 'text', align: { expr: 'datum.align' }, dx: { expr: 'datum.dx' }, dy: { expr: 'datum.dy' }, color: theme.foreground, fontWeight: theme.highContrast ? 'bold' : 'normal' },
      encoding: { x, y, text: { field: 'label' } } });
  }
  const domains = equalDomains(c, width, height);
  return {
    width, height,
    autosize: { type: 'pad' },
    padding: { left: 6, right: 14, top: 10, bottom: 6 },
    datasets: { points: data.points, rules: data.rules, marks: data.marks },
    ...(nyquist ? { params: [{ name: 'xdom', value: domains.x }, { name: 'ydom', value: domains.y }] } : {}),
    layer,
    config: {
      background: theme.background,
      font: theme.font,
      view: { stroke: theme.grid, strokeOpacity: theme.highContrast ? 1 : 0.5 },
      axis: {
        domainColor: theme.foreground, tickColor: theme.foreground, gridColor: theme.grid, gridOpacity: theme.highContrast ? 0.5 : 0.3,
        labelColor: theme.foreground, titleColor: theme.foreground, labelFontSize: 11, titleFontSize: 12, titleFontWeight: theme.highContrast ? 'bold' : 'normal',
        labelFont: theme.font, titleFont: theme.font,
      },
      legend: { labelColor: theme.foreground, titleColor: theme.foreground, labelFontSize: 11, labelFont: theme.font, symbolStrokeWidth: theme.highContrast ? 3 : 2 },
      range: { category: theme.palette },
      text: { font: theme.font, fontSize: 11 },
    },
  };
}

/** The chart cards under one root, kept by chart id. */
export class Charts {
  private drawn = new Map<string, Drawn>();
  /** Views created so far (a test reads it from the body: updates must not add any). */
  created = 0;

  constructor(private root: HTMLElement, private actions: ChartActions) {}

  /** Draws the charts in model order: new ones embedded, changed ones updated in place. */
  async update(charts: ChartModel[], theme: Theme): Promise<void> {
    const keep = new Set(charts.map((c) => c.id));
    for (const [id, d] of this.drawn) {
      if (!keep.has(id)) { d.result?.finalize(); d.card.remove(); this.drawn.delete(id); }
    }
    const list = charts.map((c) => {
      let d = this.drawn.get(c.id);
      if (!d) { d = this.card(c); this.drawn.set(c.id, d); }
      d.chart = c;
      this.root.append(d.card); // appending moves it: the cards follow the model's order
      d.heading.textContent = c.title;
      d.card.dataset.line = String(c.line);
      d.notes.replaceChildren(...(c.notes ?? []).map((n) => el('li', {}, String(n))));
      d.notes.hidden = !c.notes?.length;
      d.derivation.textContent = c.derivation ? String(c.derivation) : '';
      d.derivation.hidden = !c.derivation;
      return d;
    });
    await this.drawAll(list, theme, true);
  }

  /** Draws each card on its own: one chart that fails leaves the others drawn, then the failure is raised. */
  private async drawAll(list: Drawn[], theme: Theme, data: boolean) {
    const failed: string[] = [];
    await Promise.all(list.map((d) => this.draw(d, theme, data).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      d.result?.finalize();
      d.result = undefined;
      d.shape = undefined;
      d.figure.replaceChildren(el('p', { class: 'error' }, `This chart could not be drawn: ${message}`));
      failed.push(`${d.chart.id}: ${message}`);
    })));
    if (failed.length) throw new Error(failed.join('; '));
  }

  /** Redraws views whose width no longer fits their card. */
  async resize(theme: Theme): Promise<void> {
    await this.drawAll([...this.drawn.values()], theme, false);
  }

  async image(id: string, format: 'svg' | 'png'): Promise<string | undefined> {
    const view = this.drawn.get(id)?.result?.view;
    if (!view) return undefined;
    return format === 'svg' ? view.toSVG() : view.toImageURL('png', 2);
  }

  /** `data`: the model changed, so a kept view takes the new datasets. */
  private async draw(d: Drawn, theme: Theme, data: boolean) {
    const c = d.chart;
    const figureWidth = d.figure.clientWidth || 600;
    const { width, height } = sizeOf(c, figureWidth);
    const shape = JSON.stringify({
      kind: c.kind, x: c.x, y: c.y, series: c.series.map((s) => [s.name, s.mark, !!s.errors, !!s.tooltips, !!s.strong]),
      rules: [...new Set((c.rules ?? []).map((r) => r.axis))], marks: !!c.marks?.length, width, theme: themeKey(theme),
    });
    const buttons = d.card.querySelectorAll('.chart-actions vscode-button');
    if (!c.series.some((s) => s.points.length)) {
      // Nothing to draw (a run whose analysis gave no points): say so instead of empty axes.
      d.result?.finalize();
      d.result = undefined;
      d.shape = undefined;
      d.figure.replaceChildren(el('p', { class: 'empty' }, 'No points to plot.'));
      buttons.forEach((b) => b.setAttribute('disabled', ''));
      return;
    }
    buttons.forEach((b) => b.removeAttribute('disabled'));
    if (d.result && d.shape === shape) {
      if (!data) return;
      // Same axes and series: new data into the running view.
      const rows = datasets(c);
      const view = d.result.view;
      // vega-lite keeps only the datasets a layer uses; the shape fixes which those are.
      view.data('points', rows.points);
      if (rows.rules.length) view.data('rules', rows.rules);
      if (rows.marks.length) view.data('marks', rows.marks);
      if (c.kind === 'nyquist') {
        const dom = equalDomains(c, width, height);
        view.signal('xdom', dom.x).signal('ydom', dom.y);
      }
      await view.runAsync();
      return;
    }
    d.result?.finalize();
    d.shape = shape;
    const spec = chartSpec(c, theme, figureWidth);
    this.created++;
    d.result = await embed(d.figure, spec, {
      mode: 'vega-lite',
      renderer: 'svg',
      actions: false,
      // vega-embed's and vega-tooltip's own <style> elements would need 'unsafe-inline': their
      // rules are in webview.css instead.
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true, theme: theme.kind.includes('light') ? 'light' : 'dark' },
      ast: true,
      expr: expressionInterpreter,
    });
    d.figure.setAttribute('aria-label', `${c.title}: ${axisTitle(c.y)} against ${axisTitle(c.x)}`);
  }

  private card(c: ChartModel): Drawn {
    const heading = el('h3', { class: 'chart-title' });
    const button = (label: string, format: 'svg' | 'png') => {
      const b = el('vscode-button', { secondary: '', class: 'export', 'data-export': format, title: `Save this chart as ${label}` }, label);
      b.addEventListener('click', async (ev) => {
        ev.stopPropagation();
        const id = (b.closest('[data-chart-id]') as HTMLElement | null)?.dataset.chartId;
        if (!id) return;
        const data = await this.image(id, format);
        if (data) this.actions.save(format, id, data);
      });
      return b;
    };
    const figure = el('div', { class: 'chart', role: 'img', tabindex: '0' });
    const notes = el('ul', { class: 'notes' });
    const derivation = el('p', { class: 'derivation' });
    const card = el('section', { class: 'chart-card', 'data-chart-id': c.id },
      el('header', { class: 'chart-header' }, heading, el('span', { class: 'chart-actions' }, button('SVG', 'svg'), button('PNG', 'png'))),
      figure, notes, derivation);
    const reveal = () => {
      const line = Number(card.dataset.line);
      if (line >= 1) this.actions.reveal(line);
    };
    figure.addEventListener('click', reveal);
    figure.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') reveal(); });
    return { card, heading, figure, notes, derivation, chart: c };
  }

  dispose() {
    for (const d of this.drawn.values()) d.result?.finalize();
    this.drawn.clear();
  }
}
