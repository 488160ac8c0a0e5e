// What the preview shows and the messages between the extension and the page. The engine builds
// a PreviewModel (server/results/preview.ts); the page only draws it: every number here is already
// computed and in the unit its axis names. No imports: the page, the client and the server share it.

export type ChartKind = 'sand' | 'stripping' | 'ccd' | 'contact' | 'rohm' | 'nyquist' | 'bode' | 'residuals' | 'drt' | 'capacity' | 'ce' | 'rate'
  | 'arrhenius' | 'gitt' | 'symmetric' | 'asr' | 'dqdv' | 'polarisation' | 'comparison' | 'replicates';

export interface Axis {
  title: string;
  unit: string;
  scale?: 'linear' | 'log';
  /** Nyquist plots draw -Im(Z) upwards with equal axes. */
  zero?: boolean;
  /** A categorical axis: the x values are indices into these names (one bar per build). */
  categories?: string[];
}

export interface ChartSeries {
  /** Legend entry: a cell, an anode or a spectrum. */
  name: string;
  mark: 'line' | 'point' | 'bar';
  /** [x, y] in the axes' units, decimated by the engine (min/max per bucket). */
  points: [number, number][];
  /** Error bars: [low, high] in y's unit for each point (a 95 % interval), one per point. */
  errors?: [number, number][];
  /** What hovering each point shows (the statistics of a build), one per point. */
  tooltips?: string[];
  /** Drawn thicker than the others: the mean of replicates over their curves. */
  strong?: boolean;
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
  schema: 1;
  uri: string;
  title: string;
  /** The document version the model was built from. */
  version: number;
  charts: ChartModel[];
  results: ResultRow[];
  /** Derived values of the plan (runs without data show their predictions here). */
  predictions: PredictionRow[];
  /** Problems worth seeing beside the charts (errors of the spec or its data). */
  problems: { line: number; severity: string; message: string }[];
  /** Whether the data analysis has finished for this version. */
  dataPending: boolean;
}

/** Extension → page. */
export type ToPage =
  | { type: 'update'; model: PreviewModel }
  | { type: 'theme'; kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light' };

/** Page → extension. */
export type FromPage =
  | { type: 'ready' }
  | { type: 'reveal'; line: number }
  | { type: 'export'; format: 'svg' | 'png' | 'csv' | 'json'; name: string; data: string };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/** Validates a message from the page; anything else is dropped by the caller. */
export function parseFromPage(m: unknown): FromPage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'reveal' && isNum(m.line) && Number.isInteger(m.line) && m.line >= 1) return { type: 'reveal', line: m.line };
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
  return undefined;
}

function isModel(x: unknown): x is PreviewModel {
  if (!isObj(x) || x.schema !== 1 || !isStr(x.uri) || !isStr(x.title) || !isNum(x.version) || typeof x.dataPending !== 'boolean') return false;
  if (!Array.isArray(x.charts) || !x.charts.every(isChart)) return false;
  if (!Array.isArray(x.results) || !x.results.every((r) => isObj(r) && isStr(r.run) && isStr(r.label) && isStr(r.text) && isNum(r.line))) return false;
  if (!Array.isArray(x.predictions) || !x.predictions.every((r) => isObj(r) && isStr(r.owner) && isStr(r.label) && isStr(r.text) && isNum(r.line))) return false;
  return Array.isArray(x.problems) && x.problems.every((p) => isObj(p) && isNum(p.line) && isStr(p.message));
}

function isChart(c: unknown): c is ChartModel {
  if (!isObj(c) || !isStr(c.id) || !isStr(c.kind) || !isStr(c.title) || !isNum(c.line)) return false;
  if (!isObj(c.x) || !isObj(c.y) || !isStr(c.x.title) || !isStr(c.y.title)) return false;
  if (c.x.categories !== undefined && !(Array.isArray(c.x.categories) && c.x.categories.every(isStr))) return false;
  return Array.isArray(c.series) && c.series.every((s) => isObj(s) && isStr(s.name) && (s.mark === 'line' || s.mark === 'point' || s.mark === 'bar')
    && Array.isArray(s.points) && s.points.every(isPair)
    && (s.errors === undefined || (Array.isArray(s.errors) && s.errors.length === s.points.length && s.errors.every(isPair)))
    && (s.tooltips === undefined || (Array.isArray(s.tooltips) && s.tooltips.length === s.points.length && s.tooltips.every(isStr)))
    && (s.strong === undefined || typeof s.strong === 'boolean'));
}

const isPair = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]);
