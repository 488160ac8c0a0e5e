// What the preview shows and the messages between the extension and the page. The engine builds
// a PreviewModel (server/results/preview.ts); the page only draws it: every number here is already
// computed and in the unit its axis names. No imports: the page, the client and the server share it.

export type ChartKind = 'sand' | 'stripping' | 'ccd' | 'contact' | 'rohm' | 'nyquist' | 'bode' | 'residuals' | 'drt' | 'capacity' | 'ce' | 'rate'
  | 'plan' | 'timeline'
  | 'arrhenius' | 'gitt' | 'symmetric' | 'asr' | 'dqdv' | 'polarisation' | 'comparison' | 'replicates';

export interface Axis {
  title: string;
  unit: string;
  scale?: 'linear' | 'log';
  /** Nyquist plots draw -Im(Z) upwards with equal axes. */
  zero?: boolean;
  /**
   * A categorical axis: value k is categories[k]. On x, one band per name (a bar per build of a
   * comparison); on y, one row per name, the first on top (the cells of the study timeline).
   */
  categories?: string[];
  /** Ticks at these values only (the C-rates of a rate test). */
  ticks?: number[];
}

export interface ChartSeries {
  /** Legend entry: a cell, an anode or a spectrum. */
  name: string;
  mark: 'line' | 'point' | 'bar';
  /** [x, y] in the axes' units, decimated by the engine (min/max per bucket). */
  points: [number, number][];
  /**
   * The build the series shows (a cell declared with replicates, or else the anode; legend.ts): an
   * entry of PreviewModel.legend, whose colour it takes in every chart. Absent for series of no
   * cell (a protocol's programmed current).
   */
  colorKey?: string;
  /** A fitted curve drawn over the data of its key (dashed, in the key's colour). */
  fit?: boolean;
  /** 0..1: a lighter shade of the key's colour, for a sequence within one run (spectra in order). */
  shade?: number;
  /** 1-based spec line of the run behind the series (clicking one of its points reveals it). */
  line?: number;
  /** Error bars: [low, high] in y's unit for each point (a 95 % interval), one per point. */
  errors?: [number, number][];
  /** What hovering each point shows (the statistics of a build), one per point. */
  tooltips?: string[];
  /** Drawn thicker than the others, in the key's own colour: the mean of replicates over their curves. */
  strong?: boolean;
}

/** Where a chart sits in the table of contents: under its protocol, and its cell when it has one. */
export interface ChartPlace {
  /** The protocol (or 'plan' / 'study') the chart belongs to. */
  group: string;
  /** The cell of a per-run chart (the build of a chart of its replicates); absent for charts that compare builds. */
  cell?: string;
  /** The entry's text: "stripping", "Nyquist", "Bode |Z|". */
  label: string;
}

export interface ChartModel {
  id: string;
  kind: ChartKind;
  title: string;
  x: Axis;
  y: Axis;
  series: ChartSeries[];
  /** Horizontal (axis 'y') or vertical (axis 'x') reference lines: a cutoff, a CCD. */
  rules?: { axis: 'x' | 'y'; value: number; label: string }[];
  /** Labelled points: t0 on a stripping curve, the short on a staircase. */
  marks?: { x: number; y: number; label: string }[];
  /** Legend notes per series: "D_eff = 9.62e-10 ± 1.1e-15 cm²/s". */
  notes?: string[];
  /** 1-based line of the spec the chart comes from (clicking reveals it). */
  line: number;
  /** How the plotted values were derived. */
  derivation: string;
  /** Its entry in the table of contents. */
  place: ChartPlace;
}

/** One colour of the page: a build (the anode: interlayer or metal) and the cells made with it. */
export interface LegendEntry {
  key: string;
  /** The position in the palette: builds in the order the spec declares their first cell. */
  index: number;
  cells: string[];
}

/** A result as numbers, in its display unit: the rows of the Results CSV. */
export interface FigureRow {
  run: string;
  cell: string;
  quantity: string;
  value: number;
  unit: string;
  stderr?: number;
  /** '≥' for a lower bound (cutoff not reached), '≤' for an upper bound. */
  bound?: '≥' | '≤';
  line: number;
}

/** A declaration's lines, so the cursor's line finds the run (or protocol, cell, comparison) it is in. */
export interface Anchor {
  kind: 'run' | 'protocol' | 'cell' | 'compare';
  name: string;
  /** 1-based, inclusive. */
  line: number;
  endLine: number;
}

export interface ResultRow {
  run: string;
  cell: string;
  label: string;
  text: string;
  derivation: string;
  line: number;
}

export interface PredictionRow {
  owner: string;
  label: string;
  text: string;
  formula: string;
  line: number;
}

export interface PreviewModel {
  schema: 2;
  uri: string;
  title: string;
  /** The document version the model was built from. */
  version: number;
  charts: ChartModel[];
  /** The page's one legend: a colour per build, used by every chart. */
  legend: LegendEntry[];
  results: ResultRow[];
  /** The results as numbers (the Results CSV). */
  figures: FigureRow[];
  /** The runs, protocols and cells of the spec with their lines (the preview follows the cursor). */
  anchors: Anchor[];
  /** Derived values of the plan (runs without data show their predictions here). */
  predictions: PredictionRow[];
  /** Problems worth seeing beside the charts (errors of the spec or its data). */
  problems: { line: number; severity: string; message: string }[];
  /** Whether the data analysis has finished for this version. */
  dataPending: boolean;
}

export type Palette = 'theme' | 'okabe-ito' | 'tableau10' | 'grayscale';
export const PALETTES: readonly Palette[] = ['theme', 'okabe-ito', 'tableau10', 'grayscale'];

/** Extension → page. */
export type ToPage =
  | { type: 'update'; model: PreviewModel }
  | { type: 'theme'; kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light' }
  | { type: 'palette'; palette: Palette }
  /** The editor's cursor entered the declaration at this line: show its charts. */
  | { type: 'scrollTo'; line: number };

/** Page → extension. */
export type FromPage =
  | { type: 'ready' }
  /** A click: select the line in the editor. */
  | { type: 'reveal'; line: number }
  /** The page was scrolled by the user: the editor scrolls this line into view (the cursor stays). */
  | { type: 'scrolled'; line: number }
  | { type: 'export'; format: 'svg' | 'png' | 'csv' | 'json'; name: string; data: string };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isLine = (x: unknown): x is number => isNum(x) && Number.isInteger(x) && x >= 1;
const optional = <T>(x: unknown, test: (y: unknown) => y is T) => x === undefined || test(x);

/** Validates a message from the page; anything else is dropped by the caller. */
export function parseFromPage(m: unknown): FromPage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'reveal' && isLine(m.line)) return { type: 'reveal', line: m.line };
  if (m.type === 'scrolled' && isLine(m.line)) return { type: 'scrolled', line: m.line };
  if (m.type === 'export' && (m.format === 'svg' || m.format === 'png' || m.format === 'csv' || m.format === 'json')
    && isStr(m.name) && /^[\w .-]{1,100}$/.test(m.name) && isStr(m.data) && m.data.length <= 64 * 1024 * 1024) {
    return { type: 'export', format: m.format, name: m.name, data: m.data };
  }
  return undefined;
}

/** Validates a message to the page (the page trusts nothing it did not check). */
export function parseToPage(m: unknown): ToPage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'theme' && (m.kind === 'light' || m.kind === 'dark' || m.kind === 'high-contrast' || m.kind === 'high-contrast-light')) return { type: 'theme', kind: m.kind };
  if (m.type === 'update' && isModel(m.model)) return { type: 'update', model: m.model };
  if (m.type === 'palette' && PALETTES.includes(m.palette as Palette)) return { type: 'palette', palette: m.palette as Palette };
  if (m.type === 'scrollTo' && isLine(m.line)) return { type: 'scrollTo', line: m.line };
  return undefined;
}

function isModel(x: unknown): x is PreviewModel {
  if (!isObj(x) || x.schema !== 2 || !isStr(x.uri) || !isStr(x.title) || !isNum(x.version) || typeof x.dataPending !== 'boolean') return false;
  if (!Array.isArray(x.charts) || !x.charts.every(isChart)) return false;
  if (!Array.isArray(x.results) || !x.results.every((r) => isObj(r) && isStr(r.run) && isStr(r.label) && isStr(r.text) && isNum(r.line))) return false;
  if (!Array.isArray(x.predictions) || !x.predictions.every((r) => isObj(r) && isStr(r.owner) && isStr(r.label) && isStr(r.text) && isNum(r.line))) return false;
  if (!Array.isArray(x.legend) || !x.legend.every((e) => isObj(e) && isStr(e.key) && isNum(e.index) && Number.isInteger(e.index) && e.index >= 0
    && Array.isArray(e.cells) && e.cells.every(isStr))) return false;
  if (!Array.isArray(x.figures) || !x.figures.every((f) => isObj(f) && isStr(f.run) && isStr(f.cell) && isStr(f.quantity) && isNum(f.value) && isStr(f.unit)
    && optional(f.stderr, isNum) && (f.bound === undefined || f.bound === '≥' || f.bound === '≤') && isNum(f.line))) return false;
  if (!Array.isArray(x.anchors) || !x.anchors.every((a) => isObj(a) && (a.kind === 'run' || a.kind === 'protocol' || a.kind === 'cell' || a.kind === 'compare') && isStr(a.name)
    && isLine(a.line) && isLine(a.endLine) && a.endLine >= a.line)) return false;
  return Array.isArray(x.problems) && x.problems.every((p) => isObj(p) && isNum(p.line) && isStr(p.message));
}

function isChart(c: unknown): c is ChartModel {
  if (!isObj(c) || !isStr(c.id) || !isStr(c.kind) || !isStr(c.title) || !isNum(c.line)) return false;
  if (!isAxis(c.x) || !isAxis(c.y)) return false;
  if (!isObj(c.place) || !isStr(c.place.group) || !isStr(c.place.label) || !optional(c.place.cell, isStr)) return false;
  return Array.isArray(c.series) && c.series.every(isSeries);
}

function isAxis(a: unknown): a is Axis {
  return isObj(a) && isStr(a.title) && isStr(a.unit) && (a.scale === undefined || a.scale === 'linear' || a.scale === 'log')
    && (a.categories === undefined || (Array.isArray(a.categories) && a.categories.every(isStr)))
    && (a.ticks === undefined || (Array.isArray(a.ticks) && a.ticks.every(isNum)));
}

function isSeries(s: unknown): s is ChartSeries {
  return isObj(s) && isStr(s.name) && (s.mark === 'line' || s.mark === 'point' || s.mark === 'bar')
    && Array.isArray(s.points) && s.points.every(isPair)
    && optional(s.colorKey, isStr) && (s.fit === undefined || typeof s.fit === 'boolean')
    && (s.shade === undefined || (isNum(s.shade) && s.shade >= 0 && s.shade <= 1)) && optional(s.line, isLine)
    && (s.errors === undefined || (Array.isArray(s.errors) && s.errors.length === s.points.length && s.errors.every(isPair)))
    && (s.tooltips === undefined || (Array.isArray(s.tooltips) && s.tooltips.length === s.points.length && s.tooltips.every(isStr)))
    && (s.strong === undefined || typeof s.strong === 'boolean');
}

const isPair = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]);
