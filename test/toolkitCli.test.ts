// `cellspec analyze --json` on the toolkit example (examples/toolkit.cellspec), whose data were
// synthesized from known parameters with noise (scripts/synthesize-toolkit-data.mjs, its README):
// the output follows its JSON Schema and gives those parameters back within the stated
// uncertainty; the script rewrites the data byte for byte.
import { strict as assert } from 'assert';
import Ajv from 'ajv';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const node = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120000, maxBuffer: 256 * 1024 * 1024 });

describe('cellspec analyze --json on the toolkit example', function () {
  this.timeout(120000);
  let report: Json;
  const results = (name: string) => report.runs.find((r: Json) => r.run === name).results;
  const near = (x: { value: number; unit: string; stderr?: number }, expected: number, unit: string, rel: number, what: string) => {
    assert.equal(x.unit, unit, what);
    assert.ok(Math.abs(x.value - expected) <= rel * Math.abs(expected), `${what}: ${x.value} ${x.unit}, made with ${expected}`);
  };
  const withinError = (x: { value: number; stderr?: number }, expected: number, what: string) =>
    assert.ok(x.stderr !== undefined && x.stderr > 0 && Math.abs(x.value - expected) < 3 * x.stderr, `${what}: ${x.value} ± ${x.stderr}, made with ${expected}`);

  before(() => {
    const r = node(['bin/cellspec', 'analyze', '--json', 'examples/toolkit.cellspec']);
    assert.equal(r.status, 0, r.stderr + r.stdout.slice(0, 2000));
    report = JSON.parse(r.stdout);
  });

  it('follows docs/analyze.schema.json, with no error or warning on the spec or its data', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync('docs/analyze.schema.json', 'utf8')));
    const valid = validate(report);
    assert.ok(valid, ajv.errorsText(validate.errors, { separator: '\n' }));
    assert.deepEqual(report.diagnostics.filter((d: Json) => d.severity === 'error' || d.severity === 'warning'), []);
  });

  it('σ of the pellet at 25 °C: 2.2 mS/cm within 1 % and 3 standard errors', () => {
    const s = results('sigma-25C on pellet-LPSC').conductivity.spectra[0];
    near(s.conductivity, 2.2, 'mS/cm', 0.01, 'σ');
    withinError(s.conductivity, 2.2, 'σ');
    near(s.rB, 0.06 / (2.2e-3 * Math.PI * 0.25), 'Ω', 0.01, 'R_b');
  });

  it('E_a 0.31 eV and σ(25 °C) 2.2 mS/cm from the Arrhenius series, at the temperatures the files record', () => {
    const r = results('arrhenius-LPSC on pellet-LPSC');
    assert.ok(r.conductivity.spectra.every((s: Json) => s.temperatureFrom === 'file'));
    near(r.arrhenius.activationEnergy, 0.31, 'eV', 0.01, 'E_a');
    withinError(r.arrhenius.activationEnergy, 0.31, 'E_a');
    near(r.arrhenius.conductivity25, 2.2, 'mS/cm', 0.01, 'σ(25 °C)');
    assert.equal(r.arrhenius.form, 'sigma-T');
    assert.ok(r.arrhenius.other.activationEnergy.value < 0.31, 'the ln σ form gives a lower E_a');
  });

  it('GITT: D of each pulse within 3 of its standard errors of the one it was made with, every pulse linear in √t', () => {
    const g = results('gitt-C20 on gitt-NCM9').gitt;
    assert.equal(g.valid, 20);
    g.pulses.forEach((p: Json, k: number) => {
      const d = 1e-11 * (1 - 0.6 * Math.sin((Math.PI * (k + 0.5)) / 20));
      near(p.diffusivity, d, 'cm²/s', 0.03, `D of pulse ${k + 1}`);
      withinError(p.diffusivity, d, `D of pulse ${k + 1}`);
      assert.equal(p.linear, true);
    });
  });

  it('symmetric cycling: ASR 20 Ω·cm² at first, the short at 161.3 h in cycle 81', () => {
    const s = results('plating-0p5 on sym-Li-long').symmetric;
    near(s.firstAsr, 20, 'Ω·cm²', 0.02, 'ASR of the first half-cycle');
    near(s.short.time, 161.3 * 3600, 's', 0.002, 'time of the short');
    assert.equal(s.short.cycle, 81);
    near(s.short.cumulativeCapacity, 161.3 * 0.5, 'mAh/cm²', 0.01, 'capacity cycled by the short');
  });

  it('σ_e 5e-9 S/cm by DC polarisation, within 1 % and 3 standard errors', () => {
    const d = results('sigma-e on pellet-LPSC').dcPolarisation;
    near(d.conductivity, 5e-9 * 1000, 'mS/cm', 0.01, 'σ_e');
    withinError(d.conductivity, 5e-9 * 1000, 'σ_e');
  });

  it('dQ/dV: three peaks per half-cycle where they were made (2 mV higher each cycle), within 3 standard errors and half a bin', () => {
    const q = results('cyc-dqdv on gitt-NCM9').incrementalCapacity;
    assert.equal(q.halfCycles.length, 40);
    for (const h of q.halfCycles) {
      const made = [3.72, 4.02, 4.19].map((v) => v + 0.002 * (h.cycle - 1) - (h.direction === 'discharge' ? 0.04 : 0));
      assert.equal(h.peaks.length, 3, `cycle ${h.cycle} ${h.direction}: ${h.peaks.map((p: Json) => p.voltage.value)}`);
      h.peaks.forEach((p: Json, k: number) => assert.ok(Math.abs(p.voltage.value - made[k]) < 3 * p.voltage.stderr + q.step / 2,
        `cycle ${h.cycle} ${h.direction} peak ${k}: ${p.voltage.value} ± ${p.voltage.stderr} V, made at ${made[k]} V`));
    }
  });

  it('the script rewrites examples/data/toolkit byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-toolkit-data-'));
    try {
      const r = node(['scripts/synthesize-toolkit-data.mjs', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      const list = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? list(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]);
      const made = list(out).sort();
      assert.deepEqual(made, list('examples/data/toolkit').filter((f) => f.endsWith('.mpt')).sort());
      for (const f of made) assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join('examples/data/toolkit', f))), `${f} differs`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
