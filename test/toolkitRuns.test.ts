// The toolkit protocols through the real path: a spec, instrument files written here in EC-Lab's
// text format from known parameters (test/helpers/toolkitTraces.ts) or a real fixture, the study
// session (readers → protocol handlers → results, diagnostics, summaries), and the JSON report
// checked against docs/analyze.schema.json.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BOLTZMANN_EV } from '../server/domain/physics';
import type { SpecAnalysis } from '../server/engine/specAnalysis';
import { buildPreviewModel } from '../server/results/preview';
import { buildReport } from '../server/results/report';
import type { RunResult } from '../server/results/runResult';
import type { RunOutcome } from '../server/results/study';
import { studyFolder } from './helpers/studyFolder';
import { summarize } from '../server/results/summaries';
import { blockingSpectrum, dcTrace, dqdvTrace, gittDEt, GittOptions, gittTrace, symmetricTrace, writeSpectrum, writeTrace } from './helpers/toolkitTraces';

const AREA = Math.PI * 0.005 ** 2; // 10 mm electrodes, m²
const L = 600e-6;                  // LPSC 600 µm
const within = (actual: number | undefined, expected: number, rel: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual}, expected ${expected} ± ${rel * 100} %`);

let tmp = '';
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-toolkit-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

interface Studied { a: SpecAnalysis; runs: RunResult[]; outcomes: RunOutcome[]; diagnostics: { code: string; severity: string; message: string }[]; report: ReturnType<typeof buildReport> }

const CELLS = `study "toolkit" { diameter 10 mm; temperature 25 °C }
material SS { role collector; formula "stainless steel" }
cell pellet blocking { stack SS | LPSC 600 µm | SS }
cell sym symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }
cell full full { stack Cu | Li 50 µm | LPSC 600 µm | NCM9; cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g } }
`;

/** Writes the files (each by its writer) and the spec after the example materials, and analyses it. */
async function study(name: string, spec: string, files: Record<string, (p: string) => void>): Promise<Studied> {
  const { a, outcomes, diagnostics, report } = await studyFolder(path.join(tmp, name), 'import "lib.cellspec"\n' + CELLS + spec, files);
  // The preview draws every result without complaint.
  buildPreviewModel({ analysis: a, version: 1, diagnostics, outcomes, dataPending: false });
  return { a, runs: outcomes.map((o) => o.result), outcomes, diagnostics, report };
}

const line = (r: RunResult, label: string) => summarize(r).find((l) => l.label === label);
const errors = (s: Studied) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('toolkit runs: ionic conductivity', function () {
  this.timeout(60000);

  it('σ = L/(R_b A) of a synthetic spectrum (R_b 150 Ω) with the pellet from the stack, in mS/cm', async () => {
    const s = await study('cond', 'protocol cond conductivity { frequencies 7 MHz .. 1 Hz }\nrun cond on pellet { data "z.mpt" }\n',
      { 'z.mpt': (p) => writeSpectrum(p, blockingSpectrum({ r0: 150, q: 2e-6, alpha: 0.88, noise: 0.002, seed: 5 })) });
    assert.deepEqual(errors(s), []);
    const c = s.runs[0].conductivity!;
    within(c.spectra[0].rB?.value, 150, 0.01, 'R_b');
    within(c.spectra[0].conductivity?.value, L / (150 * AREA), 0.01, 'σ (S/m)');
    assert.equal(c.spectra[0].temperatureFrom, 'cell');
    const shown = (s.report.runs[0].results as { conductivity: { spectra: { conductivity: { value: number; unit: string } }[] } }).conductivity.spectra[0].conductivity;
    assert.equal(shown.unit, 'mS/cm');
    within(shown.value, 0.06 / (150 * Math.PI * 0.25) * 1000, 0.01, 'σ in mS/cm');
    assert.match(line(s.runs[0], 'σ')!.text, /^0\.5\d* ± [\d.e-]+ mS\/cm at 25 °C \(R_b 1(49|50)\.?\d* ± [\d.e-]+ Ω, R_b at the foot of the blocking spike; L 600 µm, A 0\.7854 cm²\)$/);
    // The plan: L/A and the R_b the LPSC prior (2.5 mS/cm) predicts.
    const derived = s.report.derived.filter((d) => d.owner === 'cond on pellet').map((d) => `${d.key} ${d.text}`);
    assert.ok(derived.includes('run.cellConstant 0.07639 1/cm'), derived.join('\n'));
    assert.ok(derived.includes(`run.expectedResistance ${Number((0.06 / (0.25 * Math.PI * 2.5e-3)).toPrecision(4))} Ω`), derived.join('\n'));
    // 0.5 mS/cm for an argyrodite at 25 °C: outside domain.md's 1–4 mS/cm, said on the run.
    assert.ok(s.diagnostics.some((d) => d.code === 'plan-mismatch' && /outside the typical 1 mS\/cm–4 mS\/cm of LPSC \(Li6PS5Cl, domain\.md\)/.test(d.message)), s.diagnostics.map((d) => d.message).join('\n'));
  });

  it('a real spectrum (impedance.py\'s exampleDataGamry.DTA): R_b at the foot of its low-frequency line, σ from the spec\'s pellet', async () => {
    const fixture = path.resolve('test/fixtures/exampleDataGamry.DTA');
    const s = await study('gamry', 'protocol cond conductivity { }\nrun cond on pellet { data "g.DTA" }\n', { 'g.DTA': (p) => fs.copyFileSync(fixture, p) });
    const sp = s.runs[0].conductivity!.spectra[0];
    assert.ok(sp.intercept.ok, sp.intercept.ok ? '' : sp.intercept.error);
    // By hand from the file's ZCURVE: -Im(Z) is lowest (69.88 Ω) at 79.9 Hz, where Re(Z) = 4230.3 Ω, between the arc and the rising line.
    within(sp.rB!.value, 4230.3, 0.02, 'R_b near the valley');
    within(sp.conductivity!.value, L / (sp.rB!.value * AREA), 1e-12, 'σ = L/(R_b A)');
    assert.equal(sp.intercept.arc, true);
    // Its low-frequency line rises at about 30°, a diffusion tail rather than a blocking spike: said.
    assert.ok(sp.intercept.warnings.some((w) => /less steeply than a blocking spike/.test(w)), sp.intercept.warnings.join('\n'));
    assert.equal(sp.temperatureFrom, 'cell', 'the file\'s Temp column reads −327.67 °C (no sensor) and is not believed');
  });

  it('r-b fit: R_b is the fitted series R plus the arc (bulk + grain boundary), with the standard error of the sum', async () => {
    const z = blockingSpectrum({ r0: 300, arcs: [{ r: 2000, c: 1e-9, alpha: 0.95 }], q: 1e-6, alpha: 0.9, fLow: 0.1, noise: 0.002, seed: 9 });
    const s = await study('cond-fit', 'protocol cond conductivity { r-b fit; circuit "R0-p(R1,CPE1)-CPE2" }\nrun cond on pellet { data "z.mpt" }\n', { 'z.mpt': (p) => writeSpectrum(p, z) });
    const c = s.runs[0].conductivity!;
    assert.equal(c.method, 'fit', c.methodNote);
    const rB = c.spectra[0].rB!;
    assert.equal(rB.method, 'fit');
    within(rB.value, 2300, 0.01, 'R_b = R0 + R1');
    assert.ok(rB.stderr !== undefined && Math.abs(rB.value - 2300) < 3 * rB.stderr, `${rB.value} ± ${rB.stderr}`);
    assert.match(line(s.runs[0], 'σ')!.text, /R_b of the fitted circuit/);
  });
});

describe('toolkit runs: Arrhenius series', function () {
  this.timeout(60000);
  const EA = 0.3, S25 = 0.25;
  const temps = [-20, 0, 25, 50, 80];
  const rAt = (c: number) => { const t = c + 273.15; return L / (AREA * (S25 * 298.15 * Math.exp((-EA / BOLTZMANN_EV) * (1 / t - 1 / 298.15))) / t); };
  const files = (withTemperature: boolean) => Object.fromEntries(temps.map((c, k) => [`arr/t${k}.mpt`, (p: string) =>
    writeSpectrum(p, blockingSpectrum({ r0: rAt(c), q: 2e-6, alpha: 0.9, noise: 0.002, seed: 30 + k }), withTemperature ? c + 0.2 : undefined)]));

  it('E_a from files that record their temperature: recovered within 1 % and its standard error; σ(25 °C); the Arrhenius chart', async () => {
    const s = await study('arr', 'protocol arr arrhenius { temperatures -20, 0, 25, 50, 80 °C; hold 1 h; frequencies 7 MHz .. 1 Hz }\nrun arr on pellet { data "arr/*.mpt" }\n', files(true));
    assert.deepEqual(errors(s), []);
    const r = s.runs[0];
    assert.ok(r.conductivity!.spectra.every((x) => x.temperatureFrom === 'file'));
    within(r.conductivity!.spectra[0].temperature, 253.35, 1e-9, 'the file\'s −19.8 °C');
    const a = r.arrhenius!;
    assert.ok(a.ok, a.ok ? '' : a.error);
    // The files are 0.2 K warmer than the series was made at: E_a follows from the temperatures the files give.
    within(a.activationEnergy.value, EA, 0.01, 'E_a');
    within(a.conductivity25.value, S25, 0.01, 'σ(25 °C)');
    assert.ok(a.activationEnergy.stderr! > 0);
    assert.match(line(r, 'E_a')!.text, /^0\.\d+ ± [\d.e-]+ eV \(ln\(σT\) against 1\/T, R² [\d.]+, 5 spectra\); σ\(25 °C\) 2\.\d+ ± [\d.e-]+ mS\/cm; ln A .*; fitting ln σ: 0\.2\d+ ± [\d.e-]+ eV$/);
    const chart = buildPreviewModel({ analysis: s.a, version: 1, diagnostics: [], outcomes: s.outcomes, dataPending: false }).charts.find((c) => c.kind === 'arrhenius');
    assert.ok(chart && chart.y.scale === 'log' && chart.series.length === 2, JSON.stringify(chart?.series.map((x) => x.name)));
    within(chart.series[0].points[2][0], 1000 / 298.35, 1e-9, '1000/T of the 25 °C spectrum');
  });

  it('files without a temperature take the protocol\'s, in file-name order', async () => {
    const s = await study('arr-plan', 'protocol arr arrhenius { temperatures -20, 0, 25, 50, 80 °C }\nrun arr on pellet { data "arr/*.mpt" }\n', files(false));
    const a = s.runs[0].arrhenius!;
    assert.ok(s.runs[0].conductivity!.spectra.every((x) => x.temperatureFrom === 'protocol'));
    assert.ok(a.ok);
    within(a.activationEnergy.value, EA, 0.01, 'E_a');
    assert.ok(Math.abs(a.activationEnergy.value - EA) < 3 * a.activationEnergy.stderr!, `${a.activationEnergy.value} ± ${a.activationEnergy.stderr}`);
  });

  it('too few temperatures: an error on the protocol, and the fit says it needs 3', async () => {
    const two = Object.fromEntries(Object.entries(files(false)).slice(0, 2));
    const s = await study('arr-two', 'protocol arr arrhenius { temperatures -20, 0 °C }\nrun arr on pellet { data "arr/*.mpt" }\n', two);
    assert.ok(s.a.diagnostics.some((d) => d.code === 'invalid-value' && /at least 3 different temperatures .* this series has 2/.test(d.message)));
    assert.ok(s.diagnostics.some((d) => d.code === 'analysis-failed' && /at least 3 different temperatures for E_a .* \(got 2\)/.test(d.message)), s.diagnostics.map((d) => d.message).join('\n'));
    assert.ok(s.diagnostics.some((d) => d.code === 'analysis-failed' && /^the Arrhenius fit over arr\/[^ ]+\.mpt/.test(d.message)), 'the failure names the files it was fitted over');
  });
});

describe('toolkit runs: GITT, symmetric cycling, DC polarisation, dQ/dV', function () {
  this.timeout(60000);

  it('GITT: D per pulse within 1 % of the trace\'s, every pulse linear in √t', async () => {
    const o: GittOptions = { current: 1e-4, tau: 600, rest: 3600, pulses: 6, dtPulse: 5, dtRest: 30, d: 1e-14, length: 3e-6, e0: 3.7, dEs: (k) => 0.01 + 0.001 * k, resistance: 40, relax: 300, noise: 5e-5, seed: 3 };
    const s = await study('gitt', 'protocol g gitt { current 0.127 mA/cm²; pulse 10 min; rest 1 h; pulses 6; diffusion-length 3 µm }\nrun g on full { data "g.mpt" }\n',
      { 'g.mpt': (p) => writeTrace(p, 'Galvanostatic Intermittent Titration Technique', gittTrace(o)) });
    const g = s.runs[0].gitt!;
    assert.ok(g.ok, g.ok ? '' : g.error);
    assert.equal(g.valid, 6);
    for (const p of g.pulses) {
      within(p.diffusivity?.value, o.d, 0.01, `D of pulse ${p.index}`);
      within(p.dEt, gittDEt(o, p.index), 0.01, `ΔE_t of pulse ${p.index}`);
    }
    assert.match(line(s.runs[0], 'D')!.text, /cm²\/s over 6 pulses linear in √t \(of 6 evaluated, 6 pulses\)$/);
    assert.deepEqual(s.runs[0].plan, []);
  });

  it('symmetric cycling: ASR per half-cycle and the short (time, capacity, cycle)', async () => {
    const j = 5, half = 3600; // 0.5 mA/cm², 0.5 mAh/cm² per half-cycle
    const shortAt = 2 * half * 20 + 0.5 * half;
    const tr = symmetricTrace({ currentDensity: j, area: AREA, halfCycle: half, cycles: 24, dt: 60, asr: (c) => 0.004 * (1 + 0.02 * c), overshoot: 0.2, shortAt, noise: 2e-4 });
    const s = await study('sym', 'protocol long symmetric-cycling { current 0.5 mA/cm²; capacity 0.5 mAh/cm²; cycles 100 }\nrun long on sym { data "s.mpt" }\n',
      { 's.mpt': (p) => writeTrace(p, 'Galvanostatic Cycling with Potential Limitation', tr) });
    const r = s.runs[0].symmetric!;
    assert.ok(r.ok, r.ok ? '' : r.error);
    within(r.firstAsr.value, 0.004 * 1.02, 0.01, 'ASR of cycle 1');
    assert.equal(r.short?.cycle, 21);
    within(r.short?.cumulativeCapacity.value, j * shortAt, 0.01, 'capacity cycled by the short');
    assert.match(line(s.runs[0], 'ASR')!.text, /^40\.\d+ Ω·cm² → \d+\.?\d* Ω·cm² over 40 half-cycles; short at 40\.\d+ h \(cycle 21, 20\.\d+ mAh\/cm² cycled\)$/);
    const derived = s.report.derived.filter((d) => d.owner === 'long on sym').map((d) => `${d.key} ${d.text}`);
    assert.ok(derived.includes('run.cumulativeCapacity 100 mAh/cm² (4.85 % of the Li foil per half-cycle)'), derived.join('\n'));
    assert.ok(derived.includes('run.duration 200 h'), derived.join('\n'));
  });

  it('DC polarisation: σ_e = L I_ss/(V A) from the file; an unfinished decay is a clear failure', async () => {
    const steady = 1e-9 * 100 * 0.5 * AREA / L; // σ_e = 1e-9 S/cm at 0.5 V
    const s = await study('dc', 'protocol dc dc-polarisation { voltage 0.5 V; hold 10 h }\nrun dc on pellet { data "d.mpt" }\nprotocol dc2 dc-polarisation { voltage 0.5 V; hold 3 h }\nrun dc2 on pellet { data "e.mpt" }\n', {
      'd.mpt': (p) => writeTrace(p, 'Chronoamperometry', dcTrace({ voltage: 0.5, steady, ionic: 5e-7, tau: 900, hold: 10 * 3600, dt: 20, noise: steady * 0.01 })),
      'e.mpt': (p) => writeTrace(p, 'Chronoamperometry', dcTrace({ voltage: 0.5, steady, ionic: 5e-7, tau: 2 * 3600, hold: 3 * 3600, dt: 20 })),
    });
    const d = s.runs[0].dcPolarisation!;
    assert.ok(d.ok, d.ok ? '' : d.error);
    within(d.conductivity.value, 1e-9 * 100, 0.01, 'σ_e (S/m)');
    assert.match(line(s.runs[0], 'σ_e')!.text, /^(9\.99\d*e-10|1e-9|1\.00\d*e-9) ± \S+ S\/cm \(I_ss 6\.5\d* nA at 0\.5 V\)$/);
    assert.ok(s.diagnostics.some((x) => x.code === 'analysis-failed' && /no steady state/.test(x.message)), s.diagnostics.map((x) => x.message).join('\n'));
  });

  it('cycling with dqdv: the peaks of each half-cycle, from the file', async () => {
    const tr = dqdvTrace({ peaks: [{ v: 3.7, q: 1.2, w: 0.012 }, { v: 4.0, q: 0.8, w: 0.01 }], background: 1.0, lo: 3.0, hi: 4.3, hysteresis: 0.05, shift: (c) => 0.005 * (c - 1), current: 3e-4, cycles: 3, dt: 20, noise: 2e-4 });
    const s = await study('dqdv', 'protocol cyc cycling { window 3.0 V .. 4.3 V; cycles 3 at 0.1 C; dqdv 20 mV }\nrun cyc on full { data "c.mpt" }\n',
      { 'c.mpt': (p) => writeTrace(p, 'Galvanostatic Cycling with Potential Limitation', tr) });
    const q = s.runs[0].incrementalCapacity!;
    assert.ok(q.ok, q.ok ? '' : q.error);
    const c3 = q.cycles.find((c) => c.cycle === 3)!;
    assert.equal(c3.charge.length, 2);
    c3.charge.forEach((v, k) => assert.ok(Math.abs(v - ([3.7, 4.0][k] + 0.01)) < 0.003, `cycle 3 charge peak ${k}: ${v} V`));
    c3.discharge.forEach((v, k) => assert.ok(Math.abs(v - ([3.7, 4.0][k] + 0.01 - 0.05)) < 0.003, `cycle 3 discharge peak ${k}: ${v} V`));
    assert.equal(q.unit, 'C/kg/V');
    assert.match(line(s.runs[0], 'dQ/dV')!.text, /^cycle 1: charge 3\.[67]\d*, (4|3\.99\d*|4\.00\d*) V, discharge 3\.6\d+, 3\.9\d+ V → cycle 3: charge 3\.7\d*, 4\.0\d* V, discharge 3\.6\d+, 3\.9\d+ V$/);
  });
});
