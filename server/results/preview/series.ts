// Plot series in display units, cut to what a chart card can show.
import { decimate, PlotSeries } from '../../analyses';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import type { RunOutcome } from '../study';
import type { BuildResults } from '../builds';

/** A run's outcome with the spec line of its header (the chart reveals it) and its cell's build (its colour). */
export interface ChartRun extends RunOutcome { line: number; key: string }

/**
 * What builders of charts across runs also read: the results per build and the spec's comparisons,
 * and the colour key (legend.ts) of a build or cell by name.
 */
export interface ChartContext { builds?: BuildResults; lineOf?: (offset: number) => number; keyOf?: (cell: string) => string }

/** Builds the charts of one family from the runs that have results. */
export type ChartBuilder = (runs: ChartRun[], context?: ChartContext) => ChartModel[];

/**
 * Points per series the page gets: a chart card is ~600 px wide, so more points only cost drawing
 * time (each line point is also a hover target). Min/max per bucket keeps spikes and shorts.
 */
const MAX_LINE_POINTS = 400, MAX_POINT_MARKS = 1500;

/** A series of an analysis, converted to display units (x scaled by xf, y by yf) and decimated. */
export function convert(p: PlotSeries | undefined, name: string, mark: 'line' | 'point', xf = displayOf(p?.xUnit ?? '').factor, yf = displayOf(p?.yUnit ?? '').factor): ChartSeries | undefined {
  if (!p || !p.x.length) return undefined;
  const d = decimate(p.x, p.y, mark === 'line' ? MAX_LINE_POINTS : MAX_POINT_MARKS);
  return { name, mark, points: d.x.map((x, i) => [x * xf, d.y[i] * yf] as [number, number]) };
}

/** The series as the run's: its build's colour, its line revealed on a click. */
export const ofRun = (s: ChartSeries, run: { line: number; key: string }, extra: Partial<ChartSeries> = {}): ChartSeries =>
  ({ ...s, colorKey: run.key, line: run.line, ...extra });

/** Spectra (or other sequences) of one run: from the key's colour towards lighter shades. */
export const shadeOf = (k: number, n: number): number => (n > 1 ? Math.round((k / (n - 1)) * 0.7 * 1000) / 1000 : 0);

export const find = (points: PlotSeries[] | undefined, name: string): PlotSeries | undefined => points?.find((p) => p.name === name);

export const byType = (runs: ChartRun[], type: string): ChartRun[] => runs.filter((x) => x.result.type === type);

/** The file name without its folders, for legends. */
export const fileName = (file: string): string => file.replace(/^.*\//, '');
