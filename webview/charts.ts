// Draws each ChartModel as a vega-lite spec compiled to vega and run on the expression interpreter
// (ast: true), so the page needs no 'unsafe-eval'. Views are kept per chart id: an update with the
// same shape (axes, series, styles, theme, width) only swaps the datasets of the running view.
// Colours come from the page's legend (colours.ts): a build is one colour in every chart.
import embed, { Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { TopLevelSpec } from 'vega-lite';
import { chartStyles, ChartStyles } from './colours';
import { el } from './dom';
import { placeLabels } from './labels';
import type { Axis, ChartModel, LegendEntry, Palette } from '../protocol/preview';
import { Theme, themeKey } from './theme';

/** What every chart is drawn with besides its own model. */
export interface Look { theme: Theme; legend: LegendEntry[]; palette: Palette }

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
   * s: the series' label (its colour); k: its index; i: the point's index in it; l: its run's line;
   * dot: a line's point shown; cat, xl: the category of y, of x on a categorical axis; lo, hi: the
   * error bar; t: the point's own tooltip; w: a strong (mean) line.
   */
  points: {
    s: string; k: number; m: 'line' | 'point' | 'bar'; i: number; x: number; y: number; l: number; dot: boolean;
    cat?: string; xl?: string; lo?: number; hi?: number; t?: string; w?: boolean;
  }[];
  rules: { axis: 'x' | 'y'; value: number; label: string }[];
  marks: { x: number; y: number; label: string; align: 'left' | 'right'; dx: number; dy: number }[];
}

type Layers = Extract<TopLevelSpec, { layer: unknown[] }>['layer'];

const HEIGHT = 260;
const NYQUIST_HEIGHT = 300;
/** Room left of and around the plot for the y axis; the legend sits below. */
const Y_AXIS_ROOM = 78;
/** Pixels kept free around the data of a Nyquist plot, so no point sits half outside it. */
const EDGE = 8;
/** Lines through at most this many points show their points. */
const FEW_POINTS = 40;
/** Room beyond the data of a linear axis, as a fraction of its span, so no point sits on the frame. */
const HEADROOM = 0.04;

const axisTitle = (a: Axis) => (a.unit ? `${a.title} (${a.unit})` : a.title);
const isLog = (a: Axis) => a.scale === 'log';

export function datasets(c: ChartModel, styles: ChartStyles, size: { width: number; height: number }): Datasets {
  const points: Datasets['points'] = [];
  const cats = c.y.categories, xCats = c.x.categories;
  c.series.forEach((s, k) => {
    // A line through a few points at distinct x shows them (a rate test, a predicted Sand line);
    // a trace, a schedule's corners or a timeline's bar does not.
    const dot = showsPoints(s, c);
    s.points.forEach(([x, y], i) => {
      const row: Datasets['points'][number] = { s: styles.series[k].label, k, m: s.mark, i, x, y, l: s.line ?? c.line, dot };
      if (cats) row.cat = cats[y] ?? String(y);
      if (xCats) row.xl = xCats[x] ?? String(x);
      if (s.errors) { row.lo = s.errors[i][0]; row.hi = s.errors[i][1]; }
      if (s.tooltips) row.t = String(s.tooltips[i]);
      if (s.strong) row.w = true;
      points.push(row);
    });
  });
  // Labels of marked points beside their point, inside the plot, clear of each other (labels.ts).
  const places = placeLabels(c, size.width, size.height);
  const marks = (c.marks ?? []).map((m, k) => ({ x: m.x, y: m.y, label: String(m.label), ...places[k] }));
  const rules = (c.rules ?? []).map((r) => ({ axis: r.axis, value: r.value, label: String(r.label) }));
  return { points, rules, marks };
}

/**
 * Nyquist plots: the same Ω per pixel on both axes, zero included where the axis asks for it, and
 * EDGE pixels free on every side so the extreme points are drawn whole.
 */
function equalDomains(c: ChartModel, width: number, height: number): { x: [number, number]; y: [number, number] } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of c.series) for (const [x, y] of s.points) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) return { x: [0, 1], y: [0, height / width] };
  if (c.x.zero) { x0 = Math.min(0, x0); x1 = Math.max(0, x1); }
  if (c.y.zero) { y0 = Math.min(0, y0); y1 = Math.max(0, y1); }
  const w = Math.max(1, width - 2 * EDGE), h = Math.max(1, height - 2 * EDGE);
  const perPixel = Math.max((x1 - x0) / w, (y1 - y0) / h) || 1 / w;
  // Zero stays on the axis's edge when it is the minimum; other minima get their margin.
  const from = (lo: number, zero: boolean | undefined) => (zero && lo === 0 ? 0 : lo - EDGE * perPixel);
  const xs = from(x0, c.x.zero), ys = from(y0, c.y.zero);
  return { x: [xs, xs + perPixel * width], y: [ys, ys + perPixel * height] };
}

/** Each chart's data extents, found once per model (the shape, the spec and the domains all ask). */
const extents = new WeakMap<ChartModel, { x?: [number, number]; y?: [number, number] }>();

/** A linear axis's data extent on one channel (points, error bars, rules, marks). */
function extent(c: ChartModel, channel: 'x' | 'y'): [number, number] | undefined {
  let found = extents.get(c);
  if (!found) extents.set(c, (found = { x: measure(c, 'x'), y: measure(c, 'y') }));
  return found[channel];
}

function measure(c: ChartModel, channel: 'x' | 'y'): [number, number] | undefined {
  let lo = Infinity, hi = -Infinity;
  const take = (v: number | undefined) => { if (v !== undefined && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } };
  const k = channel === 'x' ? 0 : 1;
  for (const s of c.series) {
    for (const p of s.points) take(p[k]);
    if (k === 1) for (const e of s.errors ?? []) { take(e[0]); take(e[1]); }
  }
  for (const r of c.rules ?? []) if (r.axis === channel) take(r.value);
  for (const m of c.marks ?? []) take(m[channel]);
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * The domain's ends of a linear axis: HEADROOM of the span beyond the data on each side (then
 * rounded out to nice ticks by vega), but not across 0, and a zero axis's 0 stays on the edge; null: as the data.
 */
function paddedDomain(c: ChartModel, channel: 'x' | 'y', zero: boolean): [number | null, number | null] {
  const e = extent(c, channel);
  if (!e) return [null, null];
  // A zero axis spans from 0: its headroom is a fraction of that span.
  const lo = zero ? Math.min(e[0], 0) : e[0], hi = zero ? Math.max(e[1], 0) : e[1];
  const pad = HEADROOM * (hi - lo || Math.abs(hi) || 1);
  // Headroom never takes an axis across 0: a quantity that is never negative keeps 0 as its floor.
  const min = zero && lo >= 0 ? null : lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  const max = zero && hi <= 0 ? null : hi <= 0 ? Math.min(0, hi + pad) : hi + pad;
  return [min, max];
}

/** Plain tick labels become long strings of zeros for very small or large values: those get exponents (3e-10). */
function needsExponent(c: ChartModel, channel: 'x' | 'y'): boolean {
  const e = extent(c, channel);
  if (!e) return false;
  const top = Math.max(Math.abs(e[0]), Math.abs(e[1]));
  return top > 0 && (top < 1e-3 || top >= 1e6);
}

function sizeOf(c: ChartModel, figureWidth: number) {
  const width = Math.max(220, Math.round(figureWidth - Y_AXIS_ROOM));
  return { width, height: c.kind === 'nyquist' ? NYQUIST_HEIGHT : HEIGHT };
}

/** A category axis: its ticks are the categories' positions, labelled with their names. */
function categoryAxis(cats: string[]) {
  const label = cats.reduceRight((rest, name, k) => `datum.value === ${k} ? ${JSON.stringify(name)} : ${rest}`, "''");
  return {
    scale: { type: 'linear' as const, domain: [-0.5, cats.length - 0.5], reverse: true, nice: false, zero: false },
    axis: { values: cats.map((_, k) => k), labelExpr: label, grid: false, labelLimit: 0 },
  };
}

/** The vega-lite spec of one chart; the data are filled in from `datasets`. */
export function chartSpec(c: ChartModel, look: Look, figureWidth: number): TopLevelSpec {
  const { theme } = look;
  const { width, height } = sizeOf(c, figureWidth);
  const styles = chartStyles(c, look.legend, look.palette, theme);
  const data = datasets(c, styles, { width, height });
  const nyquist = c.kind === 'nyquist';
  const timeline = c.kind === 'timeline';
  // Data-driven domains hold every point, and nothing is clipped, so points on the plot's edge
  // stay whole; the Nyquist plot's set domain has a margin instead (equalDomains).
  const clip = nyquist;
  // A linear axis's ends come from signals (xlo … yhi), so new data in a kept view move them too.
  const padded = (channel: 'x' | 'y') => channel === 'y' || withPoints(c);
  const scale = (a: Axis, channel: 'x' | 'y') => isLog(a)
    ? { type: 'log' as const }
    : nyquist ? { type: 'linear' as const, zero: false, nice: false, domain: { expr: `${channel}dom` } }
      : { type: 'linear' as const, zero: !!a.zero, ...(padded(channel) ? { domainMin: { expr: `${channel}lo` }, domainMax: { expr: `${channel}hi` }, nice: true } : {}) };
  // Counts (cycle, segment) get whole-number ticks only.
  const counted = (k: 0 | 1) => c.series.every((s) => s.points.every((p) => Number.isInteger(p[k])));
  const axis = (k: 0 | 1) => {
    const a = k ? c.y : c.x;
    // A log axis spanning a decade or two ticks 2…9 of each: only 1, 2 and 5 are labelled, and of
    // those the greedy pass keeps the ones with room around them.
    const spaced = isLog(a) ? {
      labelOverlap: 'greedy' as const, labelSeparation: 6,
      labelExpr: "indexof(['1', '2', '5'], slice(format(datum.value, '.0e'), 0, 1)) >= 0 ? datum.label : ''",
    } : {};
    const exponent = !isLog(a) && !a.categories && needsExponent(c, k ? 'y' : 'x') ? { labelExpr: "datum.value === 0 ? '0' : format(datum.value, '.2~e')" } : {};
    return a.ticks?.length ? { values: a.ticks, ...spaced, ...exponent } : counted(k) ? { tickMinStep: 1, ...spaced, ...exponent } : { ...spaced, ...exponent };
  };
  // Categories on x are bands (a bar per build); on y, rows (the timeline's cells, first on top).
  const x = c.x.categories
    ? { field: 'xl', type: 'nominal' as const, title: axisTitle(c.x), sort: c.x.categories, axis: { labelAngle: 0, labelLimit: 160 } }
    : { field: 'x', type: 'quantitative' as const, title: axisTitle(c.x), scale: scale(c.x, 'x'), axis: axis(0) };
  const y = c.y.categories
    ? { field: 'y', type: 'quantitative' as const, title: axisTitle(c.y), ...categoryAxis(c.y.categories) }
    : { field: 'y', type: 'quantitative' as const, title: axisTitle(c.y), scale: scale(c.y, 'y'), axis: axis(1) };
  const labels = styles.series.map((s) => s.label);
  const longest = Math.max(...labels.map((l) => l.length), 1);
  const color = {
    field: 's', type: 'nominal' as const, sort: labels, title: null,
    scale: { domain: labels, range: styles.series.map((s) => s.colour) },
    // No label limit: a legend entry is read whole; as many columns as the longest label allows.
    legend: styles.legend ? { orient: 'bottom' as const, direction: 'horizontal' as const, columns: Math.max(1, Math.floor(width / (longest * 6.6 + 34))), labelLimit: 0 } : null,
  };
  // By series index, not label: one legend (the colour's) per field.
  const index = styles.series.map((_, k) => k);
  const strokeDash = { field: 'k', type: 'nominal' as const, scale: { domain: index, range: styles.series.map((s) => (s.dash.length ? s.dash : [1, 0])) }, legend: null };
  const shape = { field: 'k', type: 'nominal' as const, scale: { domain: index, range: styles.series.map((s) => s.shape) }, legend: null };
  // The tooltip shows each value with its unit: "current density: 1.5 mA/cm²".
  const withUnits = [
    { calculate: `format(datum.x, '.4~g')${c.x.unit ? ` + ' ' + ${JSON.stringify(c.x.unit)}` : ''}`, as: 'xt' },
    { calculate: `format(datum.y, '.4~g')${c.y.unit ? ` + ' ' + ${JSON.stringify(c.y.unit)}` : ''}`, as: 'yt' },
  ];
  // A point with its own tooltip (a build's statistics) shows that; the others their values.
  const own = c.series.some((s) => s.tooltips);
  if (own) withUnits.push({ calculate: `datum.t ? datum.t : datum.s + ': ' + datum.yt`, as: 'tt' });
  const tooltip = own ? { field: 'tt' }
    : [{ field: 's', title: timeline ? 'run' : 'series' }, { field: c.x.categories ? 'xl' : 'xt', title: c.x.title }, { field: c.y.categories ? 'cat' : 'yt', title: c.y.title }];
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
    // A strong line (the mean of replicates) is drawn thicker over the others, which step back.
    const strong = c.series.some((s) => s.strong);
    const lineWidth = theme.highContrast ? 2.5 : 1.5;
    const lineMark = timeline
      ? { type: 'line' as const, clip, strokeWidth: 12, strokeCap: 'butt' as const, interpolate: 'linear' as const }
      : { type: 'line' as const, clip, strokeWidth: lineWidth, interpolate: 'linear' as const };
    layer.push({
      data: { name: 'points' }, transform: [{ filter: strong ? "datum.m === 'line' && !datum.w" : "datum.m === 'line'" }],
      mark: { ...lineMark, ...(strong ? { opacity: 0.75 } : {}) },
      encoding: { x, y, color, strokeDash, detail: { field: 'k' }, order: { field: 'i' } },
    });
    if (strong) {
      layer.push({
        data: { name: 'points' }, transform: [{ filter: "datum.m === 'line' && datum.w" }],
        mark: { ...lineMark, strokeWidth: lineWidth * 2.2 },
        encoding: { x, y, color, strokeDash, detail: { field: 'k' }, order: { field: 'i' } },
      });
    }
    // Invisible points along the lines carry the tooltip (a path has one datum only) and the click.
    layer.push({
      data: { name: 'points' }, transform: [{ filter: "datum.m === 'line'" }, ...withUnits],
      mark: { type: 'point', clip, size: timeline ? 160 : 70, filled: true },
      encoding: { x, y, color, tooltip, opacity: { condition: { test: 'datum.dot', value: 0.9 }, value: 0 } },
    });
  }
  if (hasPoints) {
    layer.push({
      data: { name: 'points' }, transform: [{ filter: "datum.m === 'point'" }, ...withUnits],
      mark: { type: 'point', clip, filled: true, size: theme.highContrast ? 46 : 30, opacity: 0.9, ...(theme.highContrast ? { stroke: theme.foreground, strokeWidth: 0.5 } : {}) },
      encoding: { x, y, color, shape, tooltip },
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
    // Labels over a halo of the background: readable where they cross a line.
    const label = { type: 'text' as const, align: { expr: 'datum.align' }, dx: { expr: 'datum.dx' }, dy: { expr: 'datum.dy' }, fontWeight: theme.highContrast ? 'bold' as const : 'normal' as const };
    layer.push({ data: { name: 'marks' }, mark: { ...label, fill: theme.background, stroke: theme.background, strokeWidth: 4, strokeJoin: 'round', opacity: 0.9 },
      encoding: { x, y, text: { field: 'label' } } });
    layer.push({ data: { name: 'marks' }, mark: { ...label, color: theme.foreground },
      encoding: { x, y, text: { field: 'label' } } });
  }
  return {
    width, height,
    autosize: { type: 'pad' },
    padding: { left: 6, right: 14, top: 10, bottom: 6 },
    datasets: { points: data.points, rules: data.rules, marks: data.marks },
    params: nyquist ? nyquistParams(c, width, height) : domainParams(c),
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
      text: { font: theme.font, fontSize: 11 },
    },
  };
}

/** A Nyquist plot's equal domains (equalDomains) as the signals its scales read. */
function nyquistParams(c: ChartModel, width: number, height: number): { name: string; value: [number, number] }[] {
  const d = equalDomains(c, width, height);
  return [{ name: 'xdom', value: d.x }, { name: 'ydom', value: d.y }];
}

/** The padded ends of the linear axes (paddedDomain) as the signals their scales read. */
function domainParams(c: ChartModel): { name: string; value: number | null }[] {
  const [xlo, xhi] = paddedDomain(c, 'x', !!c.x.zero), [ylo, yhi] = paddedDomain(c, 'y', !!c.y.zero);
  return [{ name: 'xlo', value: xlo }, { name: 'xhi', value: xhi }, { name: 'ylo', value: ylo }, { name: 'yhi', value: yhi }];
}

/** A line that shows its points: through a few points at distinct x, not a fit or a timeline's bar. */
function showsPoints(s: ChartModel['series'][number], c: ChartModel): boolean {
  return s.mark === 'line' && !s.fit && s.points.length <= FEW_POINTS && c.kind !== 'timeline' && new Set(s.points.map((p) => p[0])).size === s.points.length;
}

/** Only points drawn as marks (markers, lines that show their points; no trace): x gets headroom too. */
const withPoints = (c: ChartModel) => c.series.every((s) => s.mark === 'point' || showsPoints(s, c));

/** The chart cards under one root, kept by chart id. */
export class Charts {
  private drawn = new Map<string, Drawn>();
  /** Views created so far (a test reads it from the body: updates must not add any). */
  created = 0;

  constructor(private root: HTMLElement, private actions: ChartActions) {}

  /** Draws the charts in model order: new ones embedded, changed ones updated in place. */
  async update(charts: ChartModel[], look: Look): Promise<void> {
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
      // Every run the chart draws, for the cursor's run to find its charts.
      d.card.dataset.lines = ` ${[...new Set([c.line, ...c.series.flatMap((s) => (s.line ? [s.line] : []))])].join(' ')} `;
      d.notes.replaceChildren(...(c.notes ?? []).map((n) => el('li', {}, String(n))));
      d.notes.hidden = !c.notes?.length;
      d.derivation.textContent = c.derivation ? String(c.derivation) : '';
      d.derivation.hidden = !c.derivation;
      return d;
    });
    await this.drawAll(list, look, true);
  }

  /** The cards, in page order. */
  cards(): { card: HTMLElement; chart: ChartModel }[] {
    return [...this.root.querySelectorAll<HTMLElement>('[data-chart-id]')].flatMap((card) => {
      const d = this.drawn.get(card.dataset.chartId ?? '');
      return d ? [{ card, chart: d.chart }] : [];
    });
  }

  /** Draws each card on its own: one chart that fails leaves the others drawn, then the failure is raised. */
  private async drawAll(list: Drawn[], look: Look, data: boolean) {
    const failed: string[] = [];
    await Promise.all(list.map((d) => this.draw(d, look, data).catch((e: unknown) => {
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
  async resize(look: Look): Promise<void> {
    await this.drawAll([...this.drawn.values()], look, false);
  }

  async image(id: string, format: 'svg' | 'png'): Promise<string | undefined> {
    const view = this.drawn.get(id)?.result?.view;
    if (!view) return undefined;
    return format === 'svg' ? view.toSVG() : view.toImageURL('png', 2);
  }

  /** `data`: the model changed, so a kept view takes the new datasets. */
  private async draw(d: Drawn, look: Look, data: boolean) {
    const c = d.chart;
    const figureWidth = d.figure.clientWidth || 600;
    const { width, height } = sizeOf(c, figureWidth);
    const styles = chartStyles(c, look.legend, look.palette, look.theme);
    const shape = JSON.stringify({
      kind: c.kind, x: c.x, y: c.y, series: c.series.map((s) => [s.name, s.mark, !!s.errors, !!s.tooltips, !!s.strong]), styles,
      rules: [...new Set((c.rules ?? []).map((r) => r.axis))], marks: !!c.marks?.length, width, theme: themeKey(look.theme),
      exponents: [needsExponent(c, 'x'), needsExponent(c, 'y')], padX: withPoints(c),
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
      // Same axes, series and styles: new data into the running view.
      const rows = datasets(c, styles, { width, height });
      const view = d.result.view;
      // vega-lite keeps only the datasets a layer uses; the shape fixes which those are.
      view.data('points', rows.points);
      if (rows.rules.length) view.data('rules', rows.rules);
      if (rows.marks.length) view.data('marks', rows.marks);
      for (const p of c.kind === 'nyquist' ? nyquistParams(c, width, height) : domainParams(c)) view.signal(p.name, p.value);
      await view.runAsync();
      return;
    }
    d.result?.finalize();
    d.shape = shape;
    const spec = chartSpec(c, look, figureWidth);
    this.created++;
    d.result = await embed(d.figure, spec, {
      mode: 'vega-lite',
      renderer: 'svg',
      actions: false,
      // vega-embed's and vega-tooltip's own <style> elements would need 'unsafe-inline': their
      // rules are in webview.css instead.
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true, theme: look.theme.kind.includes('light') ? 'light' : 'dark' },
      ast: true,
      expr: expressionInterpreter,
    });
    // A click on a point reveals the run of its series (a compared chart holds several runs).
    d.result.view.addEventListener('click', (event, item) => {
      const line = (item?.datum as { l?: unknown } | undefined)?.l;
      if (typeof line !== 'number' || line < 1) return;
      (event as Event & { cellspecLine?: number }).cellspecLine = line;
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
    // The point's run when a point was hit (vega saw the click first), else the chart's.
    const reveal = (ev: Event) => {
      const line = (ev as Event & { cellspecLine?: number }).cellspecLine ?? Number(card.dataset.line);
      if (line >= 1) this.actions.reveal(line);
    };
    figure.addEventListener('click', reveal);
    figure.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') reveal(ev); });
    return { card, heading, figure, notes, derivation, chart: c };
  }

  dispose() {
    for (const d of this.drawn.values()) d.result?.finalize();
    this.drawn.clear();
  }
}
