// The data of runs through the study session (files → readers → protocol handlers → diagnostics
// and summaries), on files written here: impedance files with a column missing, EIS-only runs and
// their contact retention, one R_ohm method per retention, the DRT and Lin-KK without a circuit.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { nodeFileSystem } from '../server/nodeFileSystem';
import type { RunResult } from '../server/results/runResult';
import { StudySession } from '../server/results/study';
import { summarize } from '../server/results/summaries';
import type { PreviewModel } from '../protocol/preview';
import { CURSOR, cursorAt } from './helpers/cursor';
import { studyFolder } from './helpers/studyFolder';
import { CyclePlan, cyclingTrace, noisySpectrum, spectrum, SpectrumOptions } from './helpers/traces';

const MAH_PER_CM2 = 3.6 / 1e-4; // C/m² per mAh/cm²
const AREA = Math.PI * 0.009 ** 2 / 4; // 9 mm disc, m²

let tmp = '';
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-rundata-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

interface Studied {
  runs: RunResult[];
  diagnostics: { code: string; severity: string; message: string; start: number; end: number }[];
  /** The hover at the spec's ‸ marker, when it has one, and the preview model. */
  hover?: string;
  preview: PreviewModel;
}

const HEADER = 'import "lib.cellspec"\nstudy "s" { diameter 9 mm }\ncell h half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\n';

/** Writes the files and the spec (after the example materials and a 9 mm half cell) and analyses it. */
async function study(name: string, specWithCursor: string, files: Record<string, string>): Promise<Studied> {
  const { text: spec, offset } = specWithCursor.includes(CURSOR) ? cursorAt(specWithCursor) : { text: specWithCursor, offset: -1 };
  const { a, session, outcomes, diagnostics } = await studyFolder(path.join(tmp, name), HEADER + spec, files);
  const hover = offset >= 0 ? session.hover(a, 1, HEADER.length + offset)?.markdown : undefined;
  return { runs: outcomes.map((o) => o.result), diagnostics, hover, preview: session.previewModel(a, 1) };
}


/** A spectrum as an EC-Lab export without its header block: freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm (and more columns). */
function mpt(o: SpectrumOptions, extra: Record<string, number> = {}, z = spectrum(o)): string {
  const names = ['freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm', ...Object.keys(extra)];
  return [names.join('\t'), ...z.frequency.map((f, k) => [f, z.zReal[k], -z.zImag[k], ...Object.values(extra)].join('\t'))].join('\n') + '\n';
}

/** R0 plus a well-resolved interface arc and a slow one: the intercept is R0. */
const cellAt = (r0: number): SpectrumOptions => ({ r0, arcs: [{ r: 25, c: 1e-7 }, { r: 200, c: 1e-3 }], fHigh: 1e6, fLow: 0.1 });
const R = [8.5, 12, 31.2];
const spectraFiles = (extra: (k: number) => Record<string, number> = () => ({})) =>
  Object.fromEntries(R.map((r, k) => [`eis/eis-0${k}.mpt`, mpt(cellAt(r), extra(k))]));
const errors = (s: Studied) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('run data: impedance files', function () {
  this.timeout(60000);

  it('a spectrum without its imaginary column is an error naming the file and its columns, never zeros', async () => {
    const z = spectrum(cellAt(10));
    const csv = ['Frequency (Hz),Z\' (Ohm),Phase (deg)', ...z.frequency.map((f, k) => [f, z.zReal[k], (Math.atan2(z.zImag[k], z.zReal[k]) * 180) / Math.PI].join(','))].join('\n');
    const s = await study('no-imag', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nrun e on h { data "z.csv" }\n', { 'z.csv': csv });
    const run = s.runs[0];
    assert.equal(run.contact?.spectra.length ?? 0, 0, 'no spectrum analysed with an invented Im(Z)');
    const e = errors(s).find((m) => /z\.csv/.test(m));
    assert.ok(e, errors(s).join('\n'));
    assert.match(e, /z\.csv:1: the impedance analysis needs zImag \(e\.g\. -Im\(Z\)\/Ohm\), but the columns at line 1 have no such column: Frequency \(Hz\), Z' \(Ohm\), Phase \(deg\)/);
  });

  it('an .mpt without freq/Hz says that the frequency is missing, not that it is DC data', async () => {
    const s = await study('missing-freq', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nrun e on h { data "m.mpt" }\n',
      { 'm.mpt': fs.readFileSync(path.resolve('test/fixtures/exampleDataBioLogic_MissingFreq.mpt'), 'latin1') });
    const e = errors(s);
    assert.ok(!e.some((m) => /DC data/.test(m)), e.join('\n'));
    assert.ok(e.some((m) => /m\.mpt:61: the impedance analysis needs frequency \(e\.g\. freq\/Hz\), but the columns at line 61 have no such column: Re\(Z\)\/Ohm, -Im\(Z\)\/Ohm/.test(m)), e.join('\n'));
  });

  it('a file with no impedance columns in an eis run says what is missing and what it has', async () => {
    const s = await study('dc-in-eis', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nrun e on h { data "dc.mpt" }\n',
      { 'dc.mpt': 'time/s\tEwe/V\tI/mA\n0\t-0.01\t-0.3\n1\t-0.02\t-0.3\n2\t-0.03\t-0.3\n' });
    const e = errors(s).find((m) => /dc\.mpt/.test(m));
    assert.ok(e && /an eis run needs frequency, Re\(Z\) and Im\(Z\) columns \(e\.g\. freq\/Hz, Re\(Z\)\/Ohm, -Im\(Z\)\/Ohm\), but its columns are time\/s, Ewe\/V, I\/mA/.test(e), errors(s).join('\n'));
  });
});

describe('run data: EIS-only runs give the contact retention', function () {
  this.timeout(60000);
  const expected = (8.5 / 31.2) ** 2;
  const retention = (run: RunResult) => {
    const r = run.contact?.retention;
    assert.ok(r?.ok, JSON.stringify(r ?? run.issues).slice(0, 400));
    return r;
  };

  it('a strip run with spectra only, placed by the eis companion\'s every', async () => {
    const s = await study('strip-eis-only', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; every 3 mAh/cm² }\nprotocol p strip { current 0.5 mA/cm²; cutoff -0.4 V; eis e }\nrun p on h { data "eis/*.mpt" }\n', spectraFiles());
    const run = s.runs[0];
    assert.deepEqual(errors(s), []);
    const r = retention(run);
    assert.ok(Math.abs(r.final.value - expected) < 1e-3 * expected, `a = ${r.final.value}`);
    assert.deepEqual(run.contact!.spectra.map((x) => x.capacity! / MAH_PER_CM2), [0, 3, 6]);
    assert.equal(run.contact!.capacityFrom, 'every');
    assert.ok(summarize(run).some((l) => l.label === 'contact'));
  });

  it('an eis run with its own every, the run\'s stripped list, or the files\' charge counters', async () => {
    const own = await study('eis-every', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; every 3 mAh/cm² }\nrun e on h { data "eis/*.mpt" }\n', spectraFiles());
    assert.ok(Math.abs(retention(own.runs[0]).final.value - expected) < 1e-3 * expected);
    assert.equal(own.runs[0].contact!.capacityFrom, 'every');

    const listed = await study('eis-stripped', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nrun e on h { data "eis/*.mpt"; stripped 0, 2.5, 6 mAh/cm² }\n', spectraFiles());
    assert.deepEqual(listed.runs[0].contact!.spectra.map((x) => Number((x.capacity! / MAH_PER_CM2).toFixed(9))), [0, 2.5, 6]);
    assert.equal(listed.runs[0].contact!.capacityFrom, 'run');
    assert.ok(Math.abs(retention(listed.runs[0]).final.value - expected) < 1e-3 * expected);

    // EC-Lab's (Q-Qo) is the charge passed since the start, negative while stripping: 0, 2, 5 mAh/cm².
    const q = [0, 2, 5].map((c) => -c * AREA * 1e4);
    const counted = await study('eis-counter', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nrun e on h { data "eis/*.mpt" }\n',
      spectraFiles((k) => ({ '(Q-Qo)/mA.h': q[k] })));
    const c = counted.runs[0].contact!;
    assert.equal(c.capacityFrom, 'file');
    c.spectra.forEach((x, k) => assert.ok(Math.abs(x.capacity! / MAH_PER_CM2 - [0, 2, 5][k]) < 1e-9, `capacity ${k}`));
    assert.ok(Math.abs(retention(counted.runs[0]).final.value - expected) < 1e-3 * expected);
  });

  it('a strip run with spectra that cannot be placed still says what it needs', async () => {
    const s = await study('strip-unplaced', 'protocol p strip { current 0.5 mA/cm²; cutoff -0.4 V }\nrun p on h { data "eis/*.mpt" }\n', spectraFiles());
    assert.ok(errors(s).some((m) => /only EIS spectra were given: a strip run needs the DC stripping trace \(time, voltage, current\), or the stripped capacity of each spectrum/.test(m)), errors(s).join('\n'));
    assert.equal(s.runs[0].contact!.retention, undefined);
  });

  it('a stripped list of the wrong length is not used, and the plan says so', async () => {
    const s = await study('eis-stripped-short', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; every 1 mAh/cm² }\nrun e on h { data "eis/*.mpt"; stripped 0, 2 mAh/cm² }\n', spectraFiles());
    assert.equal(s.runs[0].contact!.capacityFrom, 'every');
    assert.ok(s.runs[0].plan.some((m) => /lists 2 stripped capacities for 3 spectra/.test(m)), s.runs[0].plan.join('\n'));
  });
});

describe('run data: the DRT and Lin-KK need no circuit', function () {
  this.timeout(60000);

  it('an eis run without a circuit: the DRT of every spectrum (peaks, R∞, R_pol), drt-lambda, Lin-KK', async () => {
    const s = await study('drt-no-circuit', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; drt-lambda 1e-3 }\nrun e on h { data "eis/*.mpt" }\n', spectraFiles());
    const spectra = s.runs[0].contact!.spectra;
    assert.equal(spectra.length, 3);
    spectra.forEach((x, k) => {
      assert.equal(x.fit, undefined);
      assert.ok(x.drt?.ok, JSON.stringify(x.drt).slice(0, 300));
      assert.equal(x.drt.lambdaMethod, 'user');
      assert.equal(x.drt.lambda, 1e-3);
      assert.ok(x.drt.peaks.length >= 1, 'peaks');
      // The two arcs add up to 225 Ω of polarisation; R∞ is R0.
      assert.ok(Math.abs(x.drt.polarisation.value - 225) < 0.05 * 225, `R_pol ${x.drt.polarisation.value}`);
      assert.ok(Math.abs(x.drt.rInf.value - R[k]) < 0.05 * R[k] + 0.5, `R∞ ${x.drt.rInf.value}`);
      assert.ok(x.linkk?.ok && x.linkk.passed, 'Lin-KK');
    });
    const drt = summarize(s.runs[0]).find((l) => l.label === 'DRT');
    assert.ok(drt && /R∞/.test(drt.text) && /R_pol/.test(drt.text), drt?.text);
  });
});

describe('run data: one R_ohm method per retention', function () {
  this.timeout(120000);
  const examples = (name: string, eisExtra: string): { dir: string; spec: string } => {
    const dir = path.join(tmp, name);
    fs.cpSync(path.resolve('examples'), dir, { recursive: true });
    const spec = path.join(dir, 'study.cellspec');
    const text = fs.readFileSync(spec, 'utf8').replace('circuit "L0-R0-p(R1,CPE1)-W1"', `circuit "L0-R0-p(R1,CPE1)-W1"\n  ${eisExtra}`);
    fs.writeFileSync(spec, text);
    return { dir, spec };
  };
  async function bareLi(eisExtra: string, name: string) {
    const { spec } = examples(name, eisExtra);
    const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(spec).toString())!;
    const session = new StudySession();
    await session.refresh(a, 1);
    const outcome = session.outcomes(a.file.uri, 1)!.find((o) => o.result.run === 'strip-0p5 on half-Li-1')!;
    return { run: outcome.result, diagnostics: session.diagnostics(a, 1) };
  }

  it('r-ohm fit with a fit that does not converge on some spectra: the intercept for every spectrum, and the result says why', async () => {
    // R0 bounded below the last two spectra's 20.8 and 27.9 Ω (cell 1 of bare Li): their fits stop at the bound.
    const { run, diagnostics } = await bareLi('r-ohm fit\n  bound R0 0 .. 20', 'rohm-mixed');
    const c = run.contact!;
    assert.equal(c.method, 'intercept');
    assert.deepEqual(c.spectra.map((s) => s.rOhm!.method), Array(7).fill('intercept'));
    assert.ok(c.spectra.slice(0, 5).every((s) => s.fit?.ok && s.fit.converged) && c.spectra.slice(5).every((s) => s.fit?.ok && !s.fit.converged));
    const ret = c.retention!;
    assert.ok(ret.ok);
    // Both ends are intercepts (a fitted R_first divided by an intercept R_last would differ).
    const intercept = (k: number) => { const r = c.spectra[k].result; return r.ok ? r.rOhm.value : NaN; };
    assert.ok(Math.abs(ret.final.value - (intercept(0) / intercept(6)) ** 2) < 1e-9, `a = ${ret.final.value}`);
    // And the intercepts are the cell's: 8.24 and 27.87 Ω noise-free (examples/data/README.md), so a = 8.74 %
    // within the spectra's 1 % noise on each end.
    assert.ok(Math.abs(intercept(0) / 8.24 - 1) < 0.02 && Math.abs(intercept(6) / 27.87 - 1) < 0.02, `R_ohm ${intercept(0)} .. ${intercept(6)} Ω`);
    assert.ok(Math.abs(ret.final.value / (8.24 / 27.87) ** 2 - 1) < 0.05, `a = ${ret.final.value}`);
    assert.ok(ret.warnings.some((w) => /did not converge on data\/strip-half-Li-1-0p5-eis\/eis-05\.mpt, data\/strip-half-Li-1-0p5-eis\/eis-06\.mpt \(of 7 spectra\), so R_ohm of every spectrum is the high-frequency intercept/.test(w)), ret.warnings.join('\n'));
    assert.ok(diagnostics.some((d) => d.code === 'fit-not-converged' && /one method for the whole retention/.test(d.message)));
    const line = summarize(run).find((l) => l.label === 'R_ohm')!;
    assert.match(line.text, /high-frequency intercept \(the fit did not converge on every spectrum\)/);
  });

  it('r-ohm fit where every fit converges: the fitted series resistance for every spectrum', async () => {
    const { run } = await bareLi('r-ohm fit', 'rohm-fit');
    const c = run.contact!;
    assert.equal(c.method, 'fit');
    assert.deepEqual(c.spectra.map((s) => s.rOhm!.method), Array(7).fill('fit'));
    assert.equal(c.methodNote, undefined);
    assert.match(c.retention!.derivation, /R_ohm from the series resistance of the fitted circuit/);
  });

  it('an intercept that is only an upper bound says so in the editor: a diagnostic and the summary', async () => {
    // The second spectrum starts past the top of a single arc and bends away from the axis.
    const bent = ['freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm', '1e6\t10\t0.5', '6e5\t10.1\t2', '4e5\t10.5\t3.5', '2.5e5\t11.5\t4.4'].join('\n') + '\n';
    const s = await study('upper-bound', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; every 1 mAh/cm² }\nrun e on h { data "eis/*.mpt" }\n',
      { 'eis/eis-00.mpt': mpt(cellAt(8.5)), 'eis/eis-01.mpt': bent });
    const c = s.runs[0].contact!;
    assert.equal(c.spectra[1].rOhm!.upperBound, true);
    const d = s.diagnostics.find((x) => x.code === 'r-ohm-bound');
    assert.ok(d && /eis-01\.mpt: R_ohm ≤ 10 Ω is only an upper bound/.test(d.message), JSON.stringify(s.diagnostics));
    const line = summarize(s.runs[0]).find((l) => l.label === 'R_ohm')!;
    assert.match(line.text, /→ ≤ 10 Ω/);
    assert.match(line.text, /1 is an upper bound/);
    assert.ok(c.retention!.ok && c.retention!.warnings.some((w) => /eis-01\.mpt is only an upper bound.*lower bound/.test(w)));
    assert.match(summarize(s.runs[0]).find((l) => l.label === 'contact')!.text, /a lower bound/);
  });
});

describe('run data: cycling capacities from the file\'s counter', function () {
  this.timeout(60000);
  const mass = 12e-6 / 1e-4 * 0.67 * AREA; // kg: 12 mg/cm² × 67 % on a 9 mm disc
  const q = (mAhPerG: number) => mAhPerG * 3.6 / 1e-3 * mass; // C
  const oneC = q(180) / 3600;
  const p: CyclePlan[] = Array.from({ length: 6 }, (_, k) => ({ charge: q(150 - k) / 0.998, discharge: q(150 - k), current: 0.3 * oneC }));
  // 120 s sampling, each half cycle first logged 100 s after its current started: the integral is off by 0.5 %.
  const tr = cyclingTrace({ cycles: p, dt: 120, lateStart: 100 });
  const spec = 'cell f full { stack Cu | Li 50 µm | LPSC 600 µm | NCM9; cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g } }\n' +
    'protocol c cycling { window 2.8 V .. 4.3 V; 1C = 180 mAh/g; cycles 6 at 0.3 C }\nrun c on f { data "cyc.*" }\n';
  const mAh = (c: number) => c / 3.6;
  const files: [string, string, string][] = [
    ['cyc.mpt', '(Q-Qo)/mA.h', ['time/s\tEwe/V\tI/mA\tcycle number\t(Q-Qo)/mA.h', ...tr.time.map((t, k) => [t, tr.voltage[k], tr.current[k] * 1e3, tr.cycle[k], mAh(tr.counters.qMinusQo[k])].join('\t'))].join('\n')],
    ['cyc.mpt', 'Q charge/discharge/mA.h', ['time/s\tEwe/V\tI/mA\tcycle number\tQ charge/discharge/mA.h', ...tr.time.map((t, k) => [t, tr.voltage[k], tr.current[k] * 1e3, tr.cycle[k], mAh(tr.counters.qHalf[k])].join('\t'))].join('\n')],
    ['cyc.csv', 'Charge_Capacity / Discharge_Capacity', ['Data_Point,Test_Time,Current,Voltage,Cycle_Index,Charge_Capacity,Discharge_Capacity', ...tr.time.map((t, k) => [k + 1, t, tr.current[k], tr.voltage[k], tr.cycle[k], tr.counters.chargeCapacity[k] / 3600, tr.counters.dischargeCapacity[k] / 3600].join(','))].join('\n')],
  ];
  for (const [file, column, text] of files) {
    it(`${column}: per-cycle capacity and CE within 0.2 % of the truth, and the result names the counter`, async () => {
      const s = await study(`counter-${column.replace(/[^a-z]/gi, '')}`, spec, { [file]: text + '\n' });
      const c = s.runs[0].cycling;
      assert.ok(c?.ok, JSON.stringify(c ?? s.runs[0].issues).slice(0, 500));
      assert.deepEqual(c.capacityFrom, { method: 'counter', column });
      assert.equal(c.cycles.length, 6);
      c.cycles.forEach((x, k) => {
        assert.ok(Math.abs(x.discharge.total.value / p[k].discharge - 1) < 0.002, `discharge ${k + 1}: ${x.discharge.total.value} vs ${p[k].discharge}`);
        assert.ok(Math.abs(x.charge.total.value / p[k].charge - 1) < 0.002, `charge ${k + 1}`);
        if (x.ce) assert.ok(Math.abs(x.ce.value / 0.998 - 1) < 0.002, `CE ${k + 1}: ${x.ce.value}`);
      });
      assert.match(c.derivation, /capacities from the file's counter/);
    });
  }
});

describe('run data: a fit the data do not determine is said so in the hover, the preview and the editor (issue 9, item 5)', function () {
  this.timeout(60000);
  // R0 = 20 Ω and a 10 Ω arc whose top (1.6 MHz) lies above the highest measured 100 kHz: only
  // R0 + R1 is in the data. Seeds 2 and 5 converge (R0 28.3 ± 0.81 and 27.7 ± 2.1 Ω, reported as
  // fitted before); 0.5 % noise.
  const hidden: SpectrumOptions = { r0: 20, arcs: [{ r: 10, c: 1e-8 }, { r: 200, c: 5e-6, alpha: 0.9 }], fHigh: 1e5, fLow: 0.1 };
  const files = { 'eis/eis-00.mpt': mpt(hidden, {}, noisySpectrum(hidden, 0.005, 2)), 'eis/eis-01.mpt': mpt(hidden, {}, noisySpectrum(hidden, 0.005, 5)) };
  const spec = 'protocol e eis { amplitude 10 mV; frequencies 100 kHz .. 0.1 Hz; every 1 mAh/cm²; circuit "R0-p(R1,C‸1)-p(R2,CPE2)"; r-ohm fit }\nrun e on h { data "eis/*.mpt" }\n';

  it('a diagnostic on the circuit names the file, the parameters and what to try', async () => {
    const s = await study('not-determined', spec, files);
    const d = s.diagnostics.filter((x) => x.code === 'fit-not-determined');
    for (const file of ['eis/eis-00.mpt', 'eis/eis-01.mpt']) {
      const one = d.find((x) => x.message.startsWith(`${file}: the fit of R0-p(R1,C1)-p(R2,CPE2) converged, but not determined by the data: `));
      assert.ok(one, d.map((x) => x.message).join('\n'));
      assert.match(one.message, /R0 trades off with R1 \(r = -0\.99\d*\)/);
      assert.match(one.message, /fix one of .*bound it \(bound \w+ lower \.\. upper\), or use a simpler circuit without p\(R1,C1\)/);
    }
    const circuitAt = HEADER.length + spec.indexOf('"R0-') + 1;
    assert.ok(d.every((x) => x.start >= circuitAt - 1 && x.start <= circuitAt), 'on the circuit string');
  });

  it('r-ohm fit does not divide by a series R the data do not determine: the intercept for all, with the reason', async () => {
    const s = await study('not-determined-rohm', spec, files);
    const c = s.runs[0].contact!;
    assert.equal(c.method, 'intercept');
    assert.match(c.methodNote!, /^r-ohm fit: the data do not determine its series R on eis\/eis-00\.mpt, eis\/eis-01\.mpt \(of 2 spectra\), so R_ohm of every spectrum is the high-frequency intercept/);
    assert.match(summarize(s.runs[0]).find((l) => l.label === 'R_ohm')!.text, /high-frequency intercept \(the data do not determine the fitted series R on every spectrum\)/);
  });

  it('the hover over the circuit marks each parameter and lists the strong correlations', async () => {
    const s = await study('not-determined-hover', spec, files);
    const md = s.hover!;
    assert.ok(md, 'a hover on the circuit');
    assert.match(md, /\| parameter \| value ± standard error \| determined by the data \|/);
    assert.match(md, /\| R0 \| [\d.]+ ± [\d.e-]+ Ω \| \*\*no\*\*: trades off with R1 \(r = -0\.99\d*\)/);
    assert.match(md, /\| R2 \| [\d.]+ ± [\d.e-]+ Ω \| yes \|/);
    assert.match(md, /\*\*Not determined by the data: R0, R1, C1\.\*\*/);
    assert.match(md, /Correlations beyond ±0\.9: R0–R1 -0\.99\d*/);
  });

  it('the preview\'s Nyquist notes and the results table say which parameters are not determined', async () => {
    const s = await study('not-determined-preview', spec, files);
    const nyquist = s.preview.charts.find((c) => c.kind === 'nyquist')!;
    assert.match(nyquist.notes!.join('\n'), /R0 = [\d.]+ ± [\d.e-]+ Ω \(not determined\)/);
    assert.match(nyquist.notes!.join('\n'), /^Not determined by the data: .*or use a simpler circuit without p\(R1,C1\)\.$/m);
    const fit = s.preview.results.find((r) => r.label === 'fit')!;
    assert.match(fit.text, /; not determined by the data: R0, R1, C1$/);
  });
});

describe('run data: messages in the spec\'s words, each naming its file (issue 9, item 9)', function () {
  this.timeout(60000);

  it('a fit that diverges names the file, the parameter and what to try', async () => {
    const z = { r0: 20, arcs: [{ r: 100, c: 1e-6 }] };
    const s = await study('diverged', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,C1)-p(R2,C2)-C3" }\nrun e on h { data "z.mpt" }\n',
      { 'z.mpt': mpt(z, {}, noisySpectrum(z, 0.01, 3)) });
    const d = s.diagnostics.find((x) => x.code === 'fit-failed');
    assert.ok(d, JSON.stringify(s.diagnostics));
    assert.match(d.message, /^z\.mpt: the fit of R0-p\(R1,C1\)-p\(R2,C2\)-C3 diverged: C3 grew without bound .*; fix C3 \(e\.g\. fix C3 = …, in SI units\), bound it \(bound C3 lower \.\. upper\), or use a simpler circuit without C3$/);
    assert.doesNotMatch(d.message, /fitCircuit|parameters\.\d|non-finite/);
  });

  it('a fit stopped at a bound says which parameter and what to try, not its status code', async () => {
    const s = await study('at-bound', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,C1)-p(R2,C2)-W3" }\n' +
      'protocol b eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,C1)-p(R2,C2)"; bound R1 1000 .. 10000 }\nrun e on h { data "z.mpt" }\nrun b on h { data "z.mpt" }\n',
      { 'z.mpt': mpt(cellAt(10)) });
    const d = s.diagnostics.filter((x) => x.code === 'fit-not-converged').map((x) => x.message);
    // No Warburg in the data: W3 falls to its bound 0.
    assert.ok(d.some((m) => /^z\.mpt: the fit of R0-p\(R1,C1\)-p\(R2,C2\)-W3 is not reliable: W3 .*lower bound \(0 Ω·s\^-1\/2\)( without changing the fit)?, so the fit is reported as not converged; the data do not support W3: fix W3 \(e\.g\. fix W3 = …, in SI units\), bound it \(bound W3 lower \.\. upper\), or use a simpler circuit without W3\.$/.test(m)), d.join('\n'));
    // A bound from the spec that excludes the optimum (R1 is 25 Ω).
    assert.ok(d.some((m) => /^z\.mpt: the fit of R0-p\(R1,C1\)-p\(R2,C2\) is not reliable: R1 is at its lower bound \(1000 Ω\).*the bound of R1 may exclude the optimum: widen it \(bound R1 lower \.\. upper\) or remove it\.$/.test(m)), d.join('\n'));
    assert.ok(!d.some((m) => /\((at-bound|not-converged)\)/.test(m)), d.join('\n'));
  });

  it('inductive points of a lead inductance: the circuit to write, not an option to pass', async () => {
    const lead = { ...cellAt(10), inductance: 2e-6 };
    const s = await study('inductive', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,C1)-p(R2,C2)" }\nrun e on h { data "z.mpt" }\n', { 'z.mpt': mpt(lead) });
    const sp = s.runs[0].contact!.spectra[0];
    const all = [...(sp.fit?.warnings ?? []), ...(sp.linkk?.warnings ?? []), ...(sp.drt?.warnings ?? [])];
    assert.ok(all.some((w) => /add an inductor in series to the circuit \(e\.g\. "L0-R0-p\(R1,C1\)-p\(R2,C2\)"\)/.test(w)), all.join('\n'));
    assert.ok(!all.some((w) => /\bpass\b|dropInductive/.test(w)), all.join('\n'));
  });

  it('the DRT with R∞ at its bound says so in the hover and the preview, with its limit', async () => {
    const topArc: SpectrumOptions = { r0: 10, arcs: [{ r: 30, c: 1e-8, alpha: 0.9 }, { r: 200, c: 5e-5 }], fHigh: 1e6, fLow: 0.1 };
    const s = await study('drt-bound', 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nr‸un e on h { data "z.mpt" }\n', { 'z.mpt': mpt(topArc, {}, noisySpectrum(topArc, 0.01, 16)) });
    assert.match(s.hover!, /R∞ 0 Ω \(at its bound, not determined: ≤ \d+ Ω at 95 %\)/);
    const drt = s.preview.charts.find((c) => c.kind === 'drt')!;
    assert.ok(drt.notes!.some((n) => /^λ is at the bottom of its search range.*set drt-lambda/.test(n)), drt.notes!.join('\n'));
    assert.ok(drt.notes!.some((n) => /^R∞ sits at its bound 0 Ω/.test(n)), drt.notes!.join('\n'));
    // The intercept is not compared with an R∞ the DRT does not determine ("differ by Infinity %" before).
    assert.ok(!s.diagnostics.some((x) => /DRT's R∞/.test(x.message)), JSON.stringify(s.diagnostics));
  });

  it('a cycling run without precycle: the formation cycle is pointed to the protocol, and plan findings name the file', async () => {
    const mass = 12e-6 / 1e-4 * 0.67 * AREA;
    const q = (mAhPerG: number) => mAhPerG * 3.6 / 1e-3 * mass;
    const oneC = q(180) / 3600;
    const p: CyclePlan[] = Array.from({ length: 4 }, (_, k) => ({ charge: q(150) / 0.998, discharge: q(150), current: (k === 0 ? 0.05 : 0.3) * oneC }));
    const tr = cyclingTrace({ cycles: p, dt: 120 });
    const text = ['time/s\tEwe/V\tI/mA\tcycle number', ...tr.time.map((t, k) => [t, tr.voltage[k], tr.current[k] * 1e3, tr.cycle[k]].join('\t'))].join('\n') + '\n';
    const s = await study('formation', 'cell f full { stack Cu | Li 50 µm | LPSC 600 µm | NCM9; cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g } }\n' +
      'protocol c cycling { window 2.8 V .. 4.3 V; 1C = 180 mAh/g; cycles 10 at 0.3 C }\nrun c on f { data "cyc.mpt" }\n', { 'cyc.mpt': text });
    const c = s.runs[0].cycling!;
    assert.ok(c.ok && c.warnings.some((w) => /formation precycle, declare it in the protocol \(precycle 1 at its C-rate\)/.test(w)), JSON.stringify(c.ok ? c.warnings : c.error));
    assert.ok(s.runs[0].plan.length > 0 && s.runs[0].plan.every((m) => m.startsWith('cyc.mpt: ')), s.runs[0].plan.join('\n'));
  });
});
