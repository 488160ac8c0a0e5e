// The preview model that guides (issue 14), on the example study and on plans written here: a
// colour per build carried by every series, each series' run line, the rate test against the
// C-rate, the results as numbers, the plan's own charts for runs without data, the inlay hints
// within VS Code's 43 characters with the key figure first, the run hover's summary table, and
// display units in every text. Expected figures come from domain.md and from arithmetic here.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChartModel, PreviewModel } from '../protocol/preview';
import { analyzeSpec, SpecAnalysis } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { HINT_LENGTH, hintLabel } from '../server/features/inlayHints';
import { shippedLibrary } from '../server/library/shipped';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { runFigures } from '../server/results/figures';
import { StudySession } from '../server/results/study';
import { cursorAt } from './helpers/cursor';
import { MATERIALS } from './helpers/library';
import { close } from './helpers/results';

const STUDY = path.resolve('examples/study.cellspec');
const F = 96485.332;
const C0 = 534 / 6.941e-3;                 // mol/m³: Li density / molar mass (domain.md: 0.07693 mol/cm³)
const INVENTORY = 50e-6 * C0 * F;          // C/m² in 50 µm of Li (domain.md: 10.31 mAh/cm²)
const sandTime = (d: number, i: number) => ((C0 * F * Math.sqrt(Math.PI * d)) / (2 * i)) ** 2;
/** SI spellings that must not reach a reader: each has a display unit (mA/cm², mAh/cm², cm²/s, mAh/g, mol/cm³). */
const SI_SPELLINGS = /(?<![µmck])A\/m²|(?<![µm])C\/m²|(?<![cµm])m²\/s|C\/kg|mol\/m³/;

interface Loaded { a: SpecAnalysis; study: StudySession; model: PreviewModel; text: string }

async function load(file: string, text?: string, folded = false): Promise<Loaded> {
  // With the standard material library, as the server and the CLI read specs.
  const ws = new Workspace(nodeFileSystem, shippedLibrary());
  const uri = fileUri(file);
  if (text !== undefined) ws.setDocument(uri, text, 1);
  const a = analyzeSpec(ws, uri, { plausibility: true });
  assert.ok(a, `${file} is readable`);
  const study = new StudySession(undefined, { foldedHovers: folded });
  await study.refresh(a, 1);
  return { a, study, model: study.previewModel(a, 1), text: a.file.text };
}

/** A spec in a folder of its own (its runs name no data, so nothing is read). */
async function plan(dir: string, body: string): Promise<Loaded> {
  const file = path.join(dir, `plan-${Math.random().toString(36).slice(2)}.cellspec`);
  fs.writeFileSync(file, MATERIALS + body);
  return load(file);
}

const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;
const chart = (m: PreviewModel, id: string): ChartModel => {
  const c = m.charts.find((x) => x.id === id);
  assert.ok(c, `chart ${id} among ${m.charts.map((x) => x.id).join(', ')}`);
  return c;
};

/**
 * The build of each cell, read from the spec's text here: where the spec declares replicates, the
 * cell declared with them (a cell without replicates its own); else its stack's anode, Li or
 * Li-<interlayer>.
 */
function buildsFromText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const replicated = /^\s+replicates /m.test(text);
  for (const m of text.matchAll(/^cell (\S+) \w+ \{\n([\s\S]*?)^\}/gm)) {
    if (replicated) {
      const replicates = /^\s+replicates ([^\n]+)/m.exec(m[2])?.[1].split(',').map((c) => c.trim());
      for (const cell of replicates ?? [m[1]]) out.set(cell, m[1]);
      continue;
    }
    const layers = /stack ([^\n]+)/.exec(m[2])![1].split('|').map((l) => l.trim().split(/\s+/)[0]);
    const il = layers[layers.indexOf('Li') + 1];
    out.set(m[1], /^LNT/.test(il) ? `Li-${il}` : 'Li');
  }
  return out;
}

/** The cells some run of the spec names. */
const cellsRun = (text: string) => new Set([...text.matchAll(/^run \S+ on (\S+) \{/gm)].map((m) => m[1]));

describe('preview model: a preview that guides', function () {
  this.timeout(60000);
  let ex: Loaded;
  let dir: string;
  before(async () => {
    ex = await load(STUDY);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-guides-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives each build (a cell declared with its replicates) one palette position, in the order the spec declares them', () => {
    const builds = buildsFromText(ex.text);
    const run = cellsRun(ex.text);
    // The legend lists the builds the charts draw, each with its cells, at its position among all the spec's builds.
    const expected = [...new Set(builds.values())].map((key, index) => ({ key, index, cells: [...builds].filter(([, b]) => b === key).map(([c]) => c) }))
      .filter((e) => e.cells.some((c) => run.has(c)));
    assert.deepEqual(ex.model.legend, expected);
    assert.deepEqual(ex.model.legend.map((e) => e.key), ['sym-Li', 'sym-LNT10F', 'sym-LNT5F5', 'half-Li', 'half-LNT10F', 'half-LNT5F5', 'full-Li', 'full-LNT10F']);
    assert.deepEqual(ex.model.legend.find((e) => e.key === 'half-LNT10F')!.cells, ['half-LNT10F-1', 'half-LNT10F-2', 'half-LNT10F-3']);
  });

  it('keys by the declared build where the spec declares replicates, a cell without replicates its own build', async () => {
    const p = await plan(dir, `study "replicated plan" { diameter 9 mm }
cell sym-Li symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }
cell half-Li half {
  stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm
  replicates half-Li-1, half-Li-2
}
protocol ramp ccd {
  start 0.1 mA/cm²
  step 0.1 mA/cm²
  half-cycle 0.5 h
  until 2 mA/cm²
}
protocol strip-0p5 strip {
  current 0.5 mA/cm²
  cutoff -0.4 V
}
run ramp on sym-Li { note "planned" }
run strip-0p5 on half-Li-1 { note "planned" }
run strip-0p5 on half-Li-2 { note "planned" }
`);
    // Both cells are bare Li: without replicates they would share the key Li.
    assert.deepEqual(p.model.legend, [{ key: 'sym-Li', index: 0, cells: ['sym-Li'] }, { key: 'half-Li', index: 1, cells: ['half-Li-1', 'half-Li-2'] }]);
    assert.deepEqual(chart(p.model, 'plan-strip-0p5').series.map((s) => [s.name, s.colorKey]), [['half-Li-1', 'half-Li'], ['half-Li-2', 'half-Li']]);
    assert.deepEqual(chart(p.model, 'plan-timeline').series.map((s) => s.colorKey), ['sym-Li', 'half-Li', 'half-Li']);
  });

  it('colours every series of a cell by its build, and names its run\'s line', () => {
    const builds = buildsFromText(ex.text);
    const keys = new Set(builds.values());
    const lines = ex.text.split('\n');
    let checked = 0, bars = 0, means = 0;
    for (const c of ex.model.charts) {
      for (const s of c.series) {
        if (c.kind === 'comparison') {
          // A bar per build and its cells' dots, in the build's colour; no run of their own.
          const build = s.name.replace(/ cells$/, '');
          assert.ok(keys.has(build), `${c.id}: ${s.name} is a build's`);
          assert.equal(s.colorKey, build, `${c.id}: ${s.name}`);
          bars++;
          continue;
        }
        if (s.strong) {
          // The mean of a build's replicates: the build's colour, no one run's.
          assert.equal(s.colorKey, c.place.cell, `${c.id}: ${s.name}`);
          assert.equal(s.line, undefined);
          means++;
          continue;
        }
        // Series are named after their cell (a fit after the cell it fits); a run's own charts (its spectra) are placed under its cell.
        const named = s.name.replace(/ fit$/, '');
        const cell = builds.has(named) ? named : c.place.cell;
        assert.ok(cell && builds.has(cell), `${c.id}: series ${s.name} belongs to a cell`);
        assert.equal(s.colorKey, builds.get(cell), `${c.id}: ${s.name}`);
        assert.ok(s.line, `${c.id}: ${s.name} has its run's line`);
        const header = lines[s.line! - 1];
        assert.match(header, /^run \S+ on \S+ \{$/, `${c.id}: line ${s.line} is a run header`);
        assert.ok(header.endsWith(` on ${cell} {`), `${c.id}: ${s.name} → ${header}`);
        checked++;
      }
    }
    assert.ok(checked >= 130 && bars === 8 * 6 && means === 6, `${checked} series of runs, ${bars} of builds, ${means} means`);
    // Compared charts: each series is its own run, not the chart's own line.
    const strip = chart(ex.model, 'strip-strip-0p5');
    const cells = ['half-Li', 'half-LNT10F', 'half-LNT5F5'].flatMap((b) => [1, 2, 3].map((k) => `${b}-${k}`));
    assert.deepEqual(strip.series.map((s) => s.line), cells.map((c) => lineOf(ex.text, `run strip-0p5 on ${c} `)));
    assert.equal(strip.line, strip.series[0].line);
  });

  it('places every chart in the contents under its protocol and, for a run\'s own charts, its cell', () => {
    const groups = [...new Set(ex.model.charts.map((c) => c.place.group))];
    // The comparisons come first, each under the protocol of its figure.
    assert.deepEqual(groups, ['strip-0p5', 'strip-2p0', 'strip-3p0', 'sand-series', 'ccd-ramp', 'cyc-0p3C', 'rate-test']);
    const ccd = ex.model.charts.filter((c) => c.place.group === 'ccd-ramp');
    assert.deepEqual(ccd.map((c) => [c.place.cell, c.place.label]), [[undefined, 'symmetric-cells: CCD'], ['sym-Li', 'CCD staircase'], ['sym-LNT10F', 'CCD staircase'], ['sym-LNT5F5', 'CCD staircase']]);
    // A build's replicates overlaid under the build; one cell's own spectra under that cell.
    assert.deepEqual(ex.model.charts.filter((c) => c.place.cell === 'half-Li').map((c) => c.place.label), ['replicates: stripping voltage', 'replicates: contact retention']);
    assert.deepEqual(ex.model.charts.filter((c) => c.place.cell === 'half-Li-1').map((c) => c.place.label), ['Nyquist', 'Bode |Z|', 'Bode phase', 'fit residuals', 'DRT']);
  });

  it('plots the rate test against the C-rate, the return to 0.1 C marked (domain.md: 168.9 … 109.2, back 167.5 mAh/g)', () => {
    const rate = chart(ex.model, 'rate');
    assert.deepEqual(rate.x, { title: 'C-rate', unit: 'C', ticks: [0.1, 0.2, 0.3, 0.4, 0.5] });
    assert.equal(rate.series.length, 1);
    const published = [168.9, 147.5, 130.1, 119.6, 109.2];
    assert.deepEqual(rate.series[0].points.map((p) => p[0]), [0.1, 0.2, 0.3, 0.4, 0.5]);
    rate.series[0].points.forEach(([x, y], k) => close(y, published[k], 0.005, `${x} C`));
    assert.equal(rate.marks!.length, 1);
    assert.equal(rate.marks![0].x, 0.1);
    close(rate.marks![0].y, 167.5, 0.005, 'back at 0.1 C');
    assert.match(rate.marks![0].label, /back at 0\.1 C, 167\.5 ± [\d.]+ mAh\/g \(99\.2 % of the first\)/);
  });

  it('gives the results as numbers in display units (each cell\'s figure as examples/data/README.md made it, with its run and line)', () => {
    const f = (run: string, quantity: string) => {
      const x = ex.model.figures.find((r) => r.run === run && r.quantity === quantity);
      assert.ok(x, `${run}: ${quantity}`);
      return x;
    };
    // The generator's noise-free value of each cell 1 (the CCD and the full cells' are domain.md's);
    // the measured one within the noise: 5 % scatter of t0 (so of D_eff), 0.5-1 % on the spectra.
    const checks: [string, string, number, string, number][] = [
      ['ccd-ramp on sym-Li-1', 'CCD', 0.8, 'mA/cm²', 1e-6],
      ['ccd-ramp on sym-LNT10F-1', 'CCD', 1.5, 'mA/cm²', 1e-6],
      ['strip-0p5 on half-Li-1', 'stripped capacity', 6.93, 'mAh/cm²', 0.01],
      ['strip-0p5 on half-LNT10F-1', 'stripped capacity', 12.96, 'mAh/cm²', 0.01],
      ['strip-0p5 on half-Li-1', 'contact retained', 100 * (8.24 / 27.87) ** 2, '%', 0.05],
      ['strip-0p5 on half-LNT10F-1', 'contact retained', 100 * (15.78 / 16.17) ** 2, '%', 0.02],
      ['sand-series on half-Li-1', 'D_eff', 2.914e-10, 'cm²/s', 0.1],
      ['sand-series on half-LNT10F-1', 'D_eff', 9.728e-10, 'cm²/s', 0.1],
      ['sand-series on half-LNT5F5-1', 'D_eff', 3.362e-10, 'cm²/s', 0.1],
      ['cyc-0p3C on full-Li', 'discharge capacity at cycle 2', 156.3, 'mAh/g', 0.01],
      ['cyc-0p3C on full-LNT10F', 'discharge capacity at cycle 2', 148.1, 'mAh/g', 0.01],
      ['rate-test on full-LNT10F', 'discharge capacity at 0.5 C', 109.2, 'mAh/g', 0.01],
    ];
    for (const [run, q, value, unit, within] of checks) {
      const x = f(run, q);
      close(x.value, value, within, `${run}: ${q}`);
      assert.equal(x.unit, unit, `${run}: ${q}`);
      assert.equal(x.line, lineOf(ex.text, `run ${run} {`));
    }
    assert.ok(f('sand-series on half-LNT10F-1', 'D_eff').stderr! > 0, 'the standard error of the fit');
    close(f('strip-0p5 on half-Li-1', 't0').value, f('strip-0p5 on half-Li-1', 'stripped capacity').value / 0.5, 0.001, 't0 = Q / i in hours');
    for (const x of ex.model.figures) {
      assert.ok(Number.isFinite(x.value) && (x.stderr === undefined || Number.isFinite(x.stderr)), `${x.run}: ${x.quantity}`);
      assert.doesNotMatch(x.unit, SI_SPELLINGS, `${x.run}: ${x.quantity} in ${x.unit}`);
    }
  });

  it('knows the lines of every run, protocol and cell (the preview follows the cursor)', () => {
    const lines = ex.text.split('\n');
    const runs = ex.model.anchors.filter((x) => x.kind === 'run');
    assert.equal(runs.length, (ex.text.match(/^run /gm) ?? []).length);
    for (const x of ex.model.anchors) {
      assert.ok(lines[x.line - 1].startsWith(`${x.kind} `), `${x.name}: line ${x.line}`);
      assert.equal(lines[x.endLine - 1], '}', `${x.name} ends on its closing brace`);
    }
  });

  it('draws no plan charts for a study whose protocols all have data', () => {
    assert.deepEqual(ex.model.charts.filter((c) => c.kind === 'plan' || c.kind === 'timeline'), []);
  });

  describe('for a plan without data', () => {
    let m: PreviewModel;
    before(async () => {
      const file = path.join(dir, 'new-study.cellspec');
      fs.copyFileSync('templates/new-study.cellspec', file);
      m = (await load(file)).model;
    });

    it('draws the CCD staircase as programmed: 0.1 to 2 mA/cm² in 0.1 mA/cm² steps, 0.5 h each way', () => {
      const c = chart(m, 'plan-ccd-ramp');
      assert.deepEqual([c.x.unit, c.y.unit], ['h', 'mA/cm²']);
      const expected: [number, number][] = [];
      for (let k = 0; k < 20; k++) {
        const i = 0.1 * (k + 1);
        expected.push([k, i], [k + 0.5, i], [k + 0.5, -i], [k + 1, -i]);
      }
      const got = c.series[0].points;
      assert.equal(got.length, expected.length);
      got.forEach(([t, i], n) => { close(t + 1, expected[n][0] + 1, 1e-12, `t ${n}`); close(i, expected[n][1], 1e-12, `i ${n}`); });
      assert.equal(c.series[0].colorKey, undefined, 'the protocol\'s current belongs to no cell');
    });

    it('predicts Sand\'s plot from the prior D_eff: t0^-1/2 = 2 i / (c0 F √(π D)), D = 2.99e-10 cm²/s', () => {
      const c = chart(m, 'plan-sand-series');
      const pts = c.series[0].points;
      assert.deepEqual(pts.map((p) => p[0]), [0.5, 1, 2]);
      pts.forEach(([x, y]) => close(y, 1 / Math.sqrt(sandTime(2.99e-14, x * 10)), 1e-9, `${x} mA/cm²`));
      assert.equal(c.series[0].colorKey, 'Li');
      assert.match(c.notes![0], /t0 14\.38 h, 3\.594 h, 0\.8986 h/);
    });

    it('draws the cycling schedule: 2 cycles at 0.05 C (80 h), then 100 at 0.3 C (666.7 h), in days', () => {
      const c = chart(m, 'plan-cycling-0p3C');
      assert.equal(c.x.unit, 'd');
      const expected = [[0, 0.05], [80 / 24, 0.05], [80 / 24, 0.3], [(80 + 2000 / 3) / 24, 0.3]];
      c.series[0].points.forEach(([t, r], k) => { close(t + 1, expected[k][0] + 1, 1e-12, `t ${k}`); assert.equal(r, expected[k][1]); });
      assert.equal(c.series[0].points.length, 4);
    });

    it('lays the study out as a timeline, each cell on its own channel, its runs as long as predicted', () => {
      const c = chart(m, 'plan-timeline');
      assert.deepEqual(c.y.categories, ['sym-Li', 'half-Li', 'full-Li']);
      const bar = (name: string) => c.series.find((s) => s.name === name)!.points;
      // CCD: 20 steps × 1 h; Sand: each current until depletion or the foil is used up; cycling as above.
      const sand = [5, 10, 20].reduce((t, i) => t + Math.min(sandTime(2.99e-14, i), INVENTORY / i), 0);
      const expected: [string, number, number][] = [['ccd-ramp on sym-Li', 0, 20 / 24], ['sand-series on half-Li', 1, sand / 86400], ['cycling-0p3C on full-Li', 2, (80 + 2000 / 3) / 24]];
      for (const [run, k, days] of expected) {
        const [[x0, y0], [x1, y1]] = bar(run);
        assert.deepEqual([x0, y0, y1], [0, k, k], run);
        close(x1, days, 1e-9, run);
      }
      assert.ok(c.series.every((s) => s.colorKey === 'Li' && s.line && s.line > 1));
    });

    it('draws the strip current until the predicted end: Sand\'s t0 for bare Li, the Li inventory with LNT10F', async () => {
      const p = await plan(dir, `composite LNT10F {
  carbon GMWNT : FG = 10 : 1
  binder PVDF
  ratio carbon : binder = 10 : 1
  thickness 15 µm
  D_eff 9.62e-10 cm²/s
}
study "strip plan" { diameter 9 mm }
cell half-Li half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }
cell half-LNT10F half { stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | LiIn 100 µm }
protocol strip-0p5 strip {
  current 0.5 mA/cm²
  cutoff -0.4 V
}
run strip-0p5 on half-Li { note "planned" }
run strip-0p5 on half-LNT10F { note "planned" }
`);
      const c = chart(p.model, 'plan-strip-0p5');
      const i = 5; // A/m²
      const ends = { 'half-Li': Math.min(sandTime(2.99e-14, i), INVENTORY / i), 'half-LNT10F': Math.min(sandTime(9.62e-14, i), INVENTORY / i) };
      close(ends['half-Li'] / 3600, 14.38, 0.001, 'bare Li: Sand');
      close(ends['half-LNT10F'] / 3600, 20.62, 0.001, 'LNT10F: the 10.31 mAh/cm² of the foil at 0.5 mA/cm²');
      for (const s of c.series) {
        const t = ends[s.name as keyof typeof ends];
        assert.deepEqual(s.points.map((q) => q[1]), [0.5, 0.5, 0]);
        close(s.points[1][0], t / 3600, 1e-9, s.name);
      }
      assert.deepEqual(c.series.map((s) => s.colorKey), ['Li', 'Li-LNT10F']);
      assert.match(c.marks![0].label, /^half-Li: 7\.189 mAh\/cm² by 14\.38 h \(Sand's t0\)$/);
      assert.match(c.marks![1].label, /^half-LNT10F: 10\.31 mAh\/cm² by 20\.62 h \(the Li inventory used up\)$/);
    });

    it('marks where a staircase should short: the known CCD of Li (0.8 mA/cm²) is step 8, after 7 h', async () => {
      const p = await plan(dir, `cell sym-Li symmetric { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }
protocol ramp ccd {
  start 0.1 mA/cm²
  step 0.1 mA/cm²
  half-cycle 0.5 h
  until 2 mA/cm²
}
run ramp on sym-Li { note "planned" }
`);
      const c = chart(p.model, 'plan-ramp');
      assert.deepEqual(c.rules, [{ axis: 'y', value: 0.8, label: 'Li: known CCD 0.8 mA/cm²' }]);
      assert.deepEqual(c.marks!.map((x) => [x.x, x.y]), [[7, 0.8]]);
      assert.match(c.marks![0].label, /step 8, 7 h/);
      assert.ok(p.model.charts.some((x) => x.id === 'plan-timeline'), 'and the timeline');
    });
  });

  describe('inlay hints', () => {
    let labels: { line: number; label: string; tooltip: string }[];
    before(() => {
      labels = ex.study.hints(ex.a, 1, { start: 0, end: ex.text.length }).map((h) => ({ line: ex.a.file.lines.position(h.offset).line + 1, label: h.label, tooltip: h.tooltip }));
    });

    it('fit in VS Code\'s 43 characters a line, without a doubled word', () => {
      const perLine = new Map<number, number>();
      for (const h of labels) perLine.set(h.line, (perLine.get(h.line) ?? 0) + h.label.length);
      for (const [line, n] of perLine) assert.ok(n <= HINT_LENGTH, `line ${line}: ${n} characters: ${labels.filter((h) => h.line === line).map((h) => h.label)}`);
      for (const h of labels) assert.doesNotMatch(h.label, /\b(\S+) \1\b/, `a doubled word on line ${h.line}: ${h.label}`);
      assert.ok(labels.some((h) => h.label === '⟶ 30 steps'), 'the CCD steps, not "steps 30 steps"');
    });

    it('keep the key figure first: the composite\'s mass fractions, the run\'s measured result before its predictions', () => {
      // GMWNT : FG = 10 : 1 and carbon : PVDF = 10 : 1: 100/121, 10/121 and 1/11 by mass.
      const fractions = [100 / 121, 10 / 121, 1 / 11].map((f) => Number((f * 100).toPrecision(3)));
      const lnt10f = labels.find((h) => h.line === lineOf(ex.text, '  ratio carbon : binder') && h.label.includes('GMWNT'))!;
      assert.equal(lnt10f.label, `⟶ GMWNT ${fractions[0]} · FG ${fractions[1]} · PVDF ${fractions[2]} wt%`);
      const strip = labels.filter((h) => h.line === lineOf(ex.text, 'run strip-0p5 on half-Li-1 '));
      assert.equal(strip.length, 1, 'one hint: the results and the predictions merged');
      // Cell 1 of bare Li stripped 6.93 mAh/cm² with 8.7 % of its contact left (examples/data/README.md).
      assert.match(strip[0].label, /^⟶ stripped 6\.9\d* mAh\/cm² · contact 8\.\d+ %/);
      assert.match(strip[0].tooltip, /t0 = 14\.38 h/, 'the predictions stay in the tooltip');
      const ccd = labels.find((h) => h.line === lineOf(ex.text, 'run ccd-ramp on sym-LNT10F-1 '))!;
      assert.match(ccd.label, /^⟶ CCD 1\.5 mA\/cm²/);
    });

    it('join the parts that fit and say when some were left out', () => {
      assert.equal(hintLabel(['a'.repeat(20), 'b'.repeat(30), 'c'.repeat(5)]), `⟶ ${'a'.repeat(20)} · ccccc …`);
      assert.equal(hintLabel(['x', 'y']), '⟶ x · y');
      assert.equal(hintLabel(['z'.repeat(60)]), `⟶ ${'z'.repeat(60)}`, 'the key figure always shows');
    });
  });

  describe('hover on a run with data', () => {
    const at = (text: string) => cursorAt(ex.text.replace('run strip-0p5 on half-Li-1 {', text));

    it('opens with a summary table (figure, value ± SE, unit), details folded below in <details>', async () => {
      const { text, offset } = at('run strip-‸0p5 on half-Li-1 {');
      const folded = await load(STUDY, text, true);
      const md = folded.study.hover(folded.a, 1, offset)!.markdown;
      const [head, rest] = md.split('<details>');
      assert.ok(rest, 'the details are folded');
      assert.match(head, /^\*\*data of strip-0p5 on half-Li-1\*\*\n\n\| figure \| value ± SE \| unit \|\n\|---\|---:\|---\|\n/);
      const rows = head.trim().split('\n').slice(4).map((r) => r.split(' | ').map((x) => x.replace(/^\| |\s*\|$/g, '')));
      const outcome = folded.study.outcomes(folded.a.file.uri, 1)!.find((o) => o.job.run === 'strip-0p5 on half-Li-1')!;
      const figures = runFigures(outcome.result).filter((x) => !x.detail);
      assert.deepEqual(rows.map((r) => r[0]), figures.map((x) => x.quantity));
      assert.ok(rows.length <= 8, `a short table: ${rows.length} rows`);
      const stripped = rows.find((r) => r[0] === 'stripped capacity')!;
      close(Number(stripped[1]), 6.93, 0.01, 'stripped');
      assert.equal(stripped[2], 'mAh/cm²');
      const contact = /^(\d+\.\d+) ± [\d.e-]+$/.exec(rows.find((r) => r[0] === 'contact retained')![1]);
      assert.ok(contact, 'the contact retained with its standard error');
      close(Number(contact[1]), 100 * (8.24 / 27.87) ** 2, 0.05, 'contact retained');
      assert.match(rest, /^<summary>How these were found, and the files read<\/summary>\n\n/);
      assert.match(rest, /\*\*stripped\*\*: 6\.9\d* mAh\/cm² in 13\.\d+ h/);
      assert.match(rest, /\*\*current\*\* = 0\.3181 mA/, 'the spec\'s hover of the run, folded too');
      assert.match(rest, /\n\n<\/details>$/);
    });

    it('puts the details after a rule for a client that shows no HTML', async () => {
      const { text, offset } = at('run strip-0p5 on half-‸Li-1 {');
      const plain = await load(STUDY, text, false);
      const md = plain.study.hover(plain.a, 1, offset)!.markdown;
      assert.doesNotMatch(md, /<details>/);
      assert.ok(md.indexOf('| stripped capacity |') < md.indexOf('\n---\n') && md.indexOf('\n---\n') < md.indexOf('**stripped**:'), md.slice(0, 400));
    });
  });

  it('speaks display units in every text the user reads: charts, results, hints, run hovers, problems', () => {
    const texts: string[] = [];
    JSON.stringify(ex.model, (_k, v) => { if (typeof v === 'string') texts.push(v); return v; });
    texts.push(...ex.study.hints(ex.a, 1, { start: 0, end: ex.text.length }).flatMap((h) => [h.label, h.tooltip]));
    texts.push(...ex.study.diagnostics(ex.a, 1).map((d) => d.message));
    for (const o of ex.study.outcomes(ex.a.file.uri, 1)!) texts.push(ex.study.hover(ex.a, 1, o.job.header.start + 1)!.markdown);
    const si = texts.filter((t) => SI_SPELLINGS.test(t));
    assert.deepEqual(si, [], 'no A/m², C/m², m²/s, C/kg or mol/m³');
    assert.ok(texts.some((t) => /short at step 8 \(0\.8 mA\/cm²\) at 7\.\d+ h/.test(t)), 'the CCD note in mA/cm² and hours, steps counted from 1');
  });
});
