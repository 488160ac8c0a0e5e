// The replicates of a build overlaid, each cell's curve with the mean curve of them all drawn
// thicker: stripping voltage against stripped capacity, contact retention against stripped
// capacity, discharge capacity against cycle. The mean is taken where every cell has data (on a
// common grid, each curve interpolated linearly), so it never averages fewer cells than the build has.
import { PlotSeries } from '../../analyses';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { formatNumber } from '../../domain/format';
import { displayOf } from '../../domain/units';
import { ChartRun, convert, find } from './series';

/** The most points of a mean curve: a chart card is about 600 px wide. */
const MEAN_POINTS = 200;

interface Family {
  kind: string;
  /** Which runs (by protocol type) and how each gives its curve, in SI. */
  types: string[];
  curve(r: ChartRun['result']): PlotSeries | undefined;
  x: { title: string; unit: string };
  y: { title: string; unit: string; factor?: number };
  /** Whole-number x (cycles): the mean is taken at each. */
  counted?: boolean;
}

const FAMILIES: Family[] = [
  {
    kind: 'stripping voltage', types: ['strip'], x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'voltage', unit: 'V' },
    curve: (r) => { const s = r.stripping?.find((x) => x.ok); return s?.ok ? find(s.points, 'voltage') : undefined; },
  },
  {
    kind: 'contact retention', types: ['strip', 'eis'], x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'contact retained', unit: '%', factor: 100 },
    curve: (r) => {
      const ret = r.contact?.retention;
      return ret?.ok ? { name: 'retention', kind: 'line', xUnit: 'C/m²', yUnit: '', x: ret.series.map((p) => p.capacity.value), y: ret.series.map((p) => p.retention.value) } : undefined;
    },
  },
  {
    kind: 'discharge capacity', types: ['cycling'], x: { title: 'cycle', unit: '' }, y: { title: 'discharge capacity', unit: 'mAh/g' }, counted: true,
    curve: (r) => (r.cycling?.ok ? find(r.cycling.points, 'discharge capacity') : undefined),
  },
];

export function replicateCharts(runs: ChartRun[]): ChartModel[] {
  const groups = new Map<string, ChartRun[]>();
  for (const run of runs) {
    const key = `${run.result.build}\u0000${run.result.protocol}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const charts: ChartModel[] = [];
  for (const list of groups.values()) {
    const cells = new Set(list.map((x) => x.result.cell));
    if (cells.size < 2) continue;
    const { build, protocol, type } = list[0].result;
    for (const family of FAMILIES.filter((f) => f.types.includes(type))) {
      const curves = list.flatMap((x) => { const c = family.curve(x.result); return c && c.x.length >= 2 ? [{ cell: x.result.cell, curve: c }] : []; });
      if (curves.length < 2) continue;
      const xf = displayOf(curves[0].curve.xUnit).factor, yf = family.y.factor ?? displayOf(curves[0].curve.yUnit).factor;
      const series: ChartSeries[] = curves.flatMap(({ cell, curve }) => convert(curve, cell, 'line', xf, yf) ?? []);
      const mean = meanCurve(curves.map((c) => c.curve), family.counted ?? false);
      if (mean) series.push({ name: `mean of ${curves.length}`, mark: 'line', strong: true, points: mean.x.map((x, i) => [x * xf, mean.y[i] * yf]) });
      charts.push({
        id: `replicates-${build}-${protocol}-${family.kind.replace(/ /g, '-')}`, kind: 'replicates',
        title: `Replicates of ${build}: ${family.kind} (${protocol})`, x: family.x, y: family.y, series,
        notes: mean ? [`mean of ${curves.length} cells over ${formatRange(mean.x, xf, family.x.unit)}, where every cell has data`] : ['the cells share no range of the x axis: no mean curve'],
        line: list[0].line,
        derivation: `Each cell's ${family.kind} as measured; the mean curve is the average of the cells at each point of a common grid (${family.counted ? 'every cycle' : `${MEAN_POINTS} points`}) over the range all of them cover, each curve interpolated linearly.`,
      });
    }
  }
  return charts;
}

/** The pointwise mean of curves over the x range they all cover; undefined when they share none. */
export function meanCurve(curves: { x: ArrayLike<number>; y: ArrayLike<number> }[], counted: boolean): { x: number[]; y: number[] } | undefined {
  let lo = -Infinity, hi = Infinity;
  for (const c of curves) {
    lo = Math.max(lo, min(c.x));
    hi = Math.min(hi, max(c.x));
  }
  if (!(hi > lo)) return undefined;
  const grid = counted
    ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, k) => Math.ceil(lo) + k)
    : Array.from({ length: MEAN_POINTS }, (_, k) => lo + ((hi - lo) * k) / (MEAN_POINTS - 1));
  const y = grid.map((x) => curves.reduce((s, c) => s + interpolate(c, x), 0) / curves.length);
  return { x: grid, y };
}

/** y at x on a curve whose x increases (the first matching segment; the end value at the ends). */
function interpolate(c: { x: ArrayLike<number>; y: ArrayLike<number> }, x: number): number {
  let lo = 0, hi = c.x.length - 1;
  if (x <= c.x[lo]) return c.y[lo];
  if (x >= c.x[hi]) return c.y[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (c.x[mid] <= x) lo = mid; else hi = mid;
  }
  const f = (x - c.x[lo]) / (c.x[hi] - c.x[lo] || 1);
  return c.y[lo] + f * (c.y[hi] - c.y[lo]);
}

const min = (a: ArrayLike<number>) => { let m = Infinity; for (let i = 0; i < a.length; i++) m = Math.min(m, a[i]); return m; };
const max = (a: ArrayLike<number>) => { let m = -Infinity; for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]); return m; };

function formatRange(x: number[], factor: number, unit: string): string {
  const r = (v: number) => formatNumber(v * factor, 3);
  return `${r(x[0])} .. ${r(x[x.length - 1])}${unit ? ' ' + unit : ''}`;
}
