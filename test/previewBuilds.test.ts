// The preview model of the example study with replicates: a comparison is a bar per build at the
// mean of its cells with the 95 % interval as the error bar, recomputed here from the cells' dots;
// a CCD chart per build overlays its cells; per-run spectra are drawn for each build's first cell.
import { strict as assert } from 'assert';
import * as path from 'path';
import type { ChartModel, PreviewModel } from '../protocol/preview';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { StudySession } from '../server/results/study';

/** Student's t, two-sided 95 %, 2 degrees of freedom (tables: 4.303). */
const T_975_2 = 4.302652729749464;

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

describe('preview of builds and comparisons (the example study)', function () {
  this.timeout(240000); // a hang watchdog: the example's data are analysed once, in process
  let model: PreviewModel;
  before(async () => {
    const a = analyzeSpec(new Workspace(nodeFileSystem), fileUri(path.resolve('examples/study.cellspec')), { plausibility: true })!;
    const session = new StudySession();
    await session.refresh(a, 1);
    model = session.previewModel(a, 1);
  });
  const chart = (title: string): ChartModel => {
    const c = model.charts.find((x) => x.title === title);
    assert.ok(c, `a chart "${title}" among ${model.charts.map((x) => x.title).join('; ')}`);
    return c;
  };

  it('draws D_eff by build: each bar the mean of its three cells, its error bar mean ± t(0.975, 2)·SD/√3', () => {
    const c = chart('half-cells: D_eff (sand-series)');
    assert.equal(c.kind, 'comparison');
    assert.deepEqual(c.x.categories, ['half-Li', 'half-LNT10F', 'half-LNT5F5']);
    assert.equal(c.y.unit, 'cm²/s');
    c.x.categories!.forEach((build, k) => {
      const bar = c.series.find((s) => s.name === build && s.mark === 'bar')!;
      const cells = c.series.find((s) => s.name === `${build} cells` && s.mark === 'point')!;
      assert.equal(cells.points.length, 3, `${build}: three cells`);
      assert.ok(cells.points.every(([x]) => x === k) && bar.points[0][0] === k, `${build} at its category`);
      const ys = cells.points.map(([, y]) => y);
      const m = mean(ys), half = T_975_2 * sd(ys) / Math.sqrt(3);
      assert.ok(Math.abs(bar.points[0][1] / m - 1) < 1e-9, `${build}: bar ${bar.points[0][1]}, mean of the cells ${m}`);
      const [lo, hi] = bar.errors![0];
      assert.ok(Math.abs(lo - (m - half)) < 1e-9 * m && Math.abs(hi - (m + half)) < 1e-9 * m, `${build}: ${lo} .. ${hi}, expected ${m - half} .. ${m + half}`);
    });
    // The published D_eff (domain.md) inside each build's spread of ± 10 %: 2.99e-10, 9.62e-10 (3.49e-10 predicted).
    for (const [build, d] of [['half-Li', 2.99e-10], ['half-LNT10F', 9.62e-10]] as const) {
      const bar = c.series.find((s) => s.name === build && s.mark === 'bar')!;
      assert.ok(Math.abs(bar.points[0][1] / d - 1) < 0.1, `${build}: ${bar.points[0][1]} cm²/s`);
    }
  });

  it("hovers a bar with the build's statistics and Welch's t against the reference, as computed from the cells", () => {
    const c = chart('half-cells: D_eff (sand-series)');
    const cells = (b: string) => c.series.find((s) => s.name === `${b} cells`)!.points.map(([, y]) => y);
    const ref = cells('half-Li'), lnt = cells('half-LNT10F');
    const t = (mean(lnt) - mean(ref)) / Math.sqrt(sd(lnt) ** 2 / 3 + sd(ref) ** 2 / 3);
    const v = (sd(lnt) ** 2 / 3 + sd(ref) ** 2 / 3) ** 2 / ((sd(lnt) ** 2 / 3) ** 2 / 2 + (sd(ref) ** 2 / 3) ** 2 / 2);
    const tip = c.series.find((s) => s.name === 'half-LNT10F' && s.mark === 'bar')!.tooltips![0];
    assert.match(tip, /^half-LNT10F: n = 3: /);
    const shown = /Welch's t = ([\d.]+), ν = ([\d.]+), p = ([\d.e-]+)/.exec(tip);
    assert.ok(shown, tip);
    assert.ok(Math.abs(Number(shown[1]) / t - 1) < 0.01 && Math.abs(Number(shown[2]) / v - 1) < 0.01, `shown ${shown[0]}; computed t = ${t}, ν = ${v}`);
    assert.match(c.series.find((s) => s.name === 'half-Li' && s.mark === 'bar')!.tooltips![0], /the reference of half-cells$/);
  });

  it('overlays the CCD staircases of a build, each short marked with its cell', () => {
    for (const build of ['sym-Li', 'sym-LNT10F', 'sym-LNT5F5']) {
      const c = chart(`Critical current density: ${build}`);
      assert.deepEqual(c.series.map((s) => s.name), [1, 2, 3].map((k) => `${build}-${k}`));
      assert.deepEqual(c.marks!.map((m) => m.label.split(':')[0]), [1, 2, 3].map((k) => `${build}-${k}`));
    }
    // The replicates of Li-LNT10F short one step apart about the published 1.5 mA/cm².
    assert.deepEqual(chart('Critical current density: sym-LNT10F').marks!.map((m) => m.label.split(': ')[1]), ['short at 1.5 mA/cm²', 'short at 1.4 mA/cm²', 'short at 1.6 mA/cm²']);
  });

  it("draws one cell's spectra per build: its replicates are compared in the charts above", () => {
    const nyquist = model.charts.filter((c) => c.kind === 'nyquist').map((c) => c.title);
    assert.deepEqual(nyquist, ['Nyquist: strip-0p5 on half-Li-1', 'Nyquist: strip-0p5 on half-LNT10F-1', 'Nyquist: strip-0p5 on half-LNT5F5-1']);
  });
});
