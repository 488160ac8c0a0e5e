// The toolkit's figures per build: each run of the toolkit example gives its σ, E_a, σ(25 °C), σ_e,
// first ASR and time to the short to its build as its summary shows them; two replicate pellets,
// the second's spectrum the first's scaled by 1.1 (R_b × 1.1, so σ / 1.1), give the mean and SD
// computed here by hand.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { StudySession } from '../server/results/study';
import type { BuildResults, FigureStats } from '../server/results/builds';
import type { RunResult } from '../server/results/runResult';

async function analyse(spec: string): Promise<{ runs: RunResult[]; builds: BuildResults }> {
  const a = analyzeSpec(new Workspace(nodeFileSystem), fileUri(spec), { plausibility: true })!;
  const session = new StudySession();
  await session.refresh(a, 1);
  return { runs: session.outcomes(a.file.uri, 1)!.map((o) => o.result), builds: session.builds(a, 1) };
}

const figureOf = (b: BuildResults, build: string, protocol: string, key: string): FigureStats => {
  const f = b.builds.find((x) => x.build === build)?.figures.find((x) => x.protocol === protocol && x.figure === key);
  assert.ok(f, `${build} gives no ${key} from ${protocol}: ${JSON.stringify(b.builds.map((x) => [x.build, x.figures.map((y) => `${y.protocol}/${y.figure}`)]))}`);
  return f;
};

describe('toolkit figures per build', function () {
  this.timeout(240000); // a hang watchdog
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-toolkit-builds-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("gives each run's figure to its build in the units of the run's summary", async () => {
    const { runs, builds } = await analyse(path.resolve('examples/toolkit.cellspec'));
    const run = (name: string) => runs.find((r) => r.run === name)!;
    const one = (f: FigureStats) => { assert.equal(f.summary.n, 1); return f.cells[0]; };

    const sigma = run('sigma-25C on pellet-LPSC').conductivity!.spectra[0].conductivity!;
    const c = one(figureOf(builds, 'pellet-LPSC', 'sigma-25C', 'conductivity'));
    assert.equal(c.value, sigma.value); // S/m; shown in mS/cm
    assert.ok(Math.abs(c.value * 10 / 2.2 - 1) < 0.01, `σ = ${c.value * 10} mS/cm, made with 2.2`);

    const fit = run('arrhenius-LPSC on pellet-LPSC').arrhenius!;
    assert.ok(fit.ok);
    const ea = one(figureOf(builds, 'pellet-LPSC', 'arrhenius-LPSC', 'activation-energy'));
    assert.equal(ea.value, fit.activationEnergy.value);
    assert.equal(ea.stderr, fit.activationEnergy.stderr);
    assert.ok(Math.abs(ea.value - 0.31) < 0.003, `E_a ${ea.value} eV, made with 0.31`);
    assert.equal(one(figureOf(builds, 'pellet-LPSC', 'arrhenius-LPSC', 'conductivity-25')).value, fit.conductivity25.value);

    const dc = run('sigma-e on pellet-LPSC').dcPolarisation!;
    assert.ok(dc.ok);
    const se = figureOf(builds, 'pellet-LPSC', 'sigma-e', 'electronic-conductivity');
    assert.equal(se.unit, 'S/cm');
    assert.ok(Math.abs(one(se).value - dc.conductivity.value / 100) < 1e-15 && Math.abs(one(se).value / 5e-9 - 1) < 0.01, `σ_e ${one(se).value} S/cm, made with 5e-9`);

    const sym = run('plating-0p5 on sym-Li-long').symmetric!;
    assert.ok(sym.ok && sym.shorted);
    const short = figureOf(builds, 'sym-Li-long', 'plating-0p5', 'time-to-short');
    assert.equal(short.unit, 'h');
    assert.ok(Math.abs(one(short).value - 161.3) < 0.1, `short at ${one(short).value} h, made at 161.3 h`);
    assert.equal(one(figureOf(builds, 'sym-Li-long', 'plating-0p5', 'asr-initial')).value, sym.firstAsr.value);
  });

  it('aggregates two replicate pellets: mean and sample SD of σ and σ/1.1', async () => {
    fs.cpSync(path.resolve('examples'), tmp, { recursive: true });
    const file = path.join(tmp, 'data/toolkit/conductivity/pellet-25C.mpt');
    const lines = fs.readFileSync(file, 'latin1').split('\n');
    const scaled = lines.map((l, k) => {
      if (k < 14 || !l.trim()) return l;
      const [f, re, im] = l.split('\t');
      return [f, (Number(re) * 1.1).toExponential(7), (Number(im) * 1.1).toExponential(7)].join('\t');
    });
    fs.writeFileSync(path.join(tmp, 'data/toolkit/conductivity/pellet-25C-2.mpt'), scaled.join('\n'), 'latin1');
    const spec = path.join(tmp, 'toolkit.cellspec');
    const text = fs.readFileSync(spec, 'utf8')
      .replace('stack SS | LPSC 600 µm | SS\n', 'stack SS | LPSC 600 µm | SS\n  replicates pellet-LPSC-1, pellet-LPSC-2\n')
      .replace(/ on pellet-LPSC \{/g, ' on pellet-LPSC-1 {')
      + '\nrun sigma-25C on pellet-LPSC-2 {\n  data "data/toolkit/conductivity/pellet-25C-2.mpt"\n}\n';
    fs.writeFileSync(spec, text);
    const { runs, builds } = await analyse(spec);
    const sigmaOf = (cell: string) => runs.find((r) => r.run === `sigma-25C on ${cell}`)!.conductivity!.spectra[0].conductivity!.value;
    const s1 = sigmaOf('pellet-LPSC-1'), s2 = sigmaOf('pellet-LPSC-2');
    assert.ok(Math.abs(s2 / (s1 / 1.1) - 1) < 1e-3, `σ₂ ${s2} against σ₁/1.1 ${s1 / 1.1}`);
    const f = figureOf(builds, 'pellet-LPSC', 'sigma-25C', 'conductivity');
    assert.deepEqual(f.cells.map((x) => x.cell), ['pellet-LPSC-1', 'pellet-LPSC-2']);
    const mean = (s1 + s2) / 2, sd = Math.abs(s1 - s2) / Math.SQRT2;
    assert.ok(Math.abs(f.summary.mean / mean - 1) < 1e-12, `mean ${f.summary.mean}, by hand ${mean}`);
    assert.ok(Math.abs(f.summary.sd! / sd - 1) < 1e-9, `SD ${f.summary.sd}, by hand ${sd}`);
    // t(0.975, 1) = 12.706 (tables): a 95 % interval from two cells is wide.
    assert.ok(Math.abs((f.summary.ci95![1] - mean) / (12.7062047361747 * sd / Math.SQRT2) - 1) < 1e-6, JSON.stringify(f.summary));
  });
});
