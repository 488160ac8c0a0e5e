// Plot series in display units, cut to what a chart card can show.
import { decimate, PlotSeries } from '../../analyses';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import type { RunOutcome } from '../study';
import type { BuildResults } from '../builds';

/** A run's outcome with the spec line of its header (the chart reveals it). */
export interface ChartRun extends RunOutcome { line: number }

/** What builders of charts across runs also read: the results per build and the spec's comparisons. */
export interface ChartContext { builds?: BuildResults; lineOf?: (offset: number) => number }

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

export const find = (points: PlotSeries[] | undefined, name: string): PlotSeries | undefined => points?.find((p) => p.name === name);

export const byType = (runs: ChartRun[], type: string): ChartRun[] => runs.filter((x) => x.result.type === type);

/** The file name without its folders, for legends. */
export const fileName = (file: string): string => file.replace(/^.*\//, '');
