// Comparisons drawn the way papers draw them: per figure a bar per build at the mean of its cells,
// the 95 % interval as the error bar and each cell as a dot (the study's D_eff figure, its Fig.
// 2c); hovering a bar shows the build's statistics and its Welch test against the reference.
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { formatNumber } from '../../domain/format';
import { displayUnit, statsText, testText } from '../builds';
import type { ChartContext, ChartRun } from './series';

export function comparisonCharts(_runs: ChartRun[], context?: ChartContext): ChartModel[] {
  const results = context?.builds;
  if (!results) return [];
  return results.comparisons.flatMap((c, ci) => c.figures.map((f, fi): ChartModel => {
    const d = displayUnit(f.unit);
    const categories = f.builds.map((b) => b.build);
    const bars: ChartSeries[] = f.builds.map((b, k) => {
      const s = b.summary;
      const test = f.tests.find((t) => t.build === b.build);
      const tooltip = [`${b.build}: ${statsText(b)}`, test ? testText(test, f.unit) : `the reference of ${c.name}`].join('; ');
      return {
        name: b.build, mark: 'bar', points: [[k, s.mean * d.factor]], tooltips: [tooltip],
        ...(s.ci95 ? { errors: [[s.ci95[0] * d.factor, s.ci95[1] * d.factor]] as [number, number][] } : {}),
      };
    });
    const cells: ChartSeries[] = f.builds.map((b, k) => ({
      name: `${b.build} cells`, mark: 'point',
      points: b.cells.map((x) => [k, x.value * d.factor] as [number, number]),
      tooltips: b.cells.map((x) => `${x.cell}: ${formatShown(x.value * d.factor, d.unit)}${x.stderr !== undefined ? ` ± ${formatShown(x.stderr * d.factor, '')}` : ''}${x.note ? ` (${x.note})` : ''}`),
    }));
    const own = f.builds.find((b) => b.weighted)?.combination;
    return {
      id: `compare-${ci}-${fi}`, kind: 'comparison', title: `${c.name}: ${f.label} (${f.protocol})`,
      x: { title: 'build', unit: '', categories }, y: { title: f.label, unit: d.unit, zero: true },
      series: [...bars, ...cells],
      notes: [...f.builds.map((b) => `${b.build}: ${statsText(b)}`), ...f.tests.map((t) => testText(t, f.unit)), ...f.notes],
      line: context?.lineOf?.(c.header.start) ?? 1,
      derivation: `Bars: the mean of each build's cells; error bars: the 95 % interval mean ± t(0.975, n − 1)·SE with SE = SD/√n (Student's t); dots: the cells. Each build is compared with ${f.reference} by Welch's t-test (unequal variances, Welch–Satterthwaite degrees of freedom, two-sided p).` +
        (own ? ` Each cell's value has its own standard error: ${own}.` : ''),
    };
  }));
}

function formatShown(x: number, unit: string): string {
  return `${formatNumber(x)}${unit ? ' ' + unit : ''}`;
}
