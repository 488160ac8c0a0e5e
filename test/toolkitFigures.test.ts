// The toolkit's runs in the Results CSV, the hover's table and the hints: each figure in its
// display unit, recomputed here from the run's own SI result.
import { strict as assert } from 'assert';
import * as path from 'path';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { shippedLibrary } from '../server/library/shipped';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { Figure, hintText, runFigures } from '../server/results/figures';
import type { RunResult } from '../server/results/runResult';
import { StudySession } from '../server/results/study';
import { HINT_LENGTH } from '../server/features/inlayHints';

const TOOLKIT = path.resolve('examples/toolkit.cellspec');

describe('the toolkit runs as figures (Results CSV, hover table, hints)', function () {
  this.timeout(120000);
  const results = new Map<string, RunResult>();
  let csv: { run: string; quantity: string; value: number; unit: string; stderr?: number }[] = [];

  before(async () => {
    const ws = new Workspace(nodeFileSystem, shippedLibrary());
    const a = analyzeSpec(ws, fileUri(TOOLKIT), { plausibility: true })!;
    const study = new StudySession(undefined, {});
    await study.refresh(a, 1);
    for (const o of study.outcomes(a.file.uri, 1)!) results.set(o.job.run, o.result);
    csv = study.previewModel(a, 1).figures;
  });

  const figure = (run: string, quantity: string): Figure => {
    const f = runFigures(results.get(run)!).find((x) => x.quantity === quantity);
    assert.ok(f, `${run}: ${quantity} among ${runFigures(results.get(run)!).map((x) => x.quantity).join(', ')}`);
    return f;
  };
  const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `${what}: ${got} vs ${want}`);

  it('gives the ionic conductivity in mS/cm (1 S/m = 10 mS/cm) and R_b as a detail', () => {
    const r = results.get('sigma-25C on pellet-LPSC')!;
    const s = r.conductivity!.spectra.find((x) => x.conductivity)!;
    const f = figure('sigma-25C on pellet-LPSC', 'ionic conductivity');
    assert.equal(f.unit, 'mS/cm');
    near(f.value, s.conductivity!.value * 10, 'σ');
    near(f.stderr!, s.conductivity!.stderr! * 10, 'σ SE');
    assert.equal(figure('sigma-25C on pellet-LPSC', 'R_b').detail, true);
  });

  it('gives E_a in eV and σ(25 °C) from the Arrhenius line', () => {
    const a = results.get('arrhenius-LPSC on pellet-LPSC')!.arrhenius!;
    assert.ok(a.ok);
    const ea = figure('arrhenius-LPSC on pellet-LPSC', 'E_a');
    assert.equal(ea.unit, 'eV');
    near(ea.value, a.activationEnergy.value, 'E_a');
    const s25 = figure('arrhenius-LPSC on pellet-LPSC', 'σ at 25 °C');
    assert.equal(s25.unit, 'mS/cm');
    near(s25.value, a.conductivity25.value * 10, 'σ(25 °C)');
  });

  it('counts the GITT pulses and lists each pulse\'s D in cm²/s (1 m²/s = 1e4 cm²/s) as a detail', () => {
    const g = results.get('gitt-C20 on gitt-NCM9')!.gitt!;
    assert.ok(g.ok);
    assert.equal(figure('gitt-C20 on gitt-NCM9', 'GITT pulses evaluated').value, g.evaluated);
    const p = g.pulses.find((x) => x.diffusivity)!;
    const d = figure('gitt-C20 on gitt-NCM9', `D of pulse ${p.index}`);
    assert.equal(d.unit, 'cm²/s');
    near(d.value, p.diffusivity!.value * 1e4, 'D');
    assert.equal(d.detail, true);
  });

  it('gives the symmetric cell\'s ASR in Ω·cm² (1 Ω·m² = 1e4 Ω·cm²) and its time to the short in h', () => {
    const s = results.get('plating-0p5 on sym-Li-long')!.symmetric!;
    assert.ok(s.ok && s.shorted);
    const asr = figure('plating-0p5 on sym-Li-long', 'ASR of the first half-cycle');
    assert.equal(asr.unit, 'Ω·cm²');
    near(asr.value, s.firstAsr.value * 1e4, 'ASR');
    const short = figure('plating-0p5 on sym-Li-long', 'time to the short');
    assert.equal(short.unit, 'h');
    near(short.value, s.duration.value / 3600, 'time to the short');
  });

  it('gives σ_e in S/cm (1 S/m = 0.01 S/cm)', () => {
    const dc = results.get('sigma-e on pellet-LPSC')!.dcPolarisation!;
    assert.ok(dc.ok);
    const f = figure('sigma-e on pellet-LPSC', 'electronic conductivity');
    assert.equal(f.unit, 'S/cm');
    near(f.value, dc.conductivity.value / 100, 'σ_e');
  });

  it('puts them in the Results CSV rows, and keeps every toolkit hint within VS Code\'s width', () => {
    for (const run of ['sigma-25C on pellet-LPSC', 'arrhenius-LPSC on pellet-LPSC', 'gitt-C20 on gitt-NCM9', 'plating-0p5 on sym-Li-long', 'sigma-e on pellet-LPSC']) {
      const rows = csv.filter((f) => f.run === run);
      assert.deepEqual(rows.map((f) => f.quantity), runFigures(results.get(run)!).map((f) => f.quantity), run);
      for (const f of runFigures(results.get(run)!).filter((x) => x.hint)) assert.ok(hintText(f).length <= HINT_LENGTH, hintText(f));
    }
  });
});
