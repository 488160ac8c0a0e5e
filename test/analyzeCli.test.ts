// `cellspec analyze` on the example study, whose data files were synthesised from the published
// figures (examples/data/README.md): the output follows its JSON Schema and gives those figures back.
import { strict as assert } from 'assert';
import Ajv from 'ajv';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CLI = path.resolve('bin/cellspec');
const run = (args: string[], cwd = process.cwd()) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

interface Shown { value: number; unit: string; stderr?: number }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('cellspec analyze --json on the example study', function () {
  this.timeout(60000);
  let report: Json;
  const runNamed = (name: string) => report.runs.find((r: Json) => r.run === name);
  const close = (x: Shown, expected: number, unit: string, rel: number, what: string) => {
    assert.equal(x.unit, unit, what);
    assert.ok(Math.abs(x.value - expected) <= rel * Math.abs(expected), `${what}: ${x.value} ${x.unit}, expected ${expected} ± ${rel * 100} %`);
  };

  before(() => {
    const r = run(['analyze', '--json', 'examples/study.cellspec']);
    assert.equal(r.status, 0, r.err + r.out.slice(0, 2000));
    report = JSON.parse(r.out);
  });

  it('follows docs/analyze.schema.json', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync('docs/analyze.schema.json', 'utf8')));
    assert.ok(validate(report), ajv.errorsText(validate.errors, { separator: '\n' }));
  });

  /** A build's figure of one protocol (report.builds, every number in display units). */
  const figure = (build: string, protocol: string, key: string) => {
    const f = report.builds.find((b: Json) => b.build === build)?.figures.find((x: Json) => x.protocol === protocol && x.figure === key);
    assert.ok(f, `${build} has no ${key} from ${protocol}`);
    return f;
  };
  /**
   * The example's cells scatter about the published figure and their data carry noise
   * (examples/data/README.md): the mean of a build's three cells is checked against the
   * published figure within its 95 % interval, and, because the synthesis centres the cells'
   * deviations on it, within `rel` of it.
   */
  const published = (f: Json, expected: number, unit: string, rel: number, what: string) => {
    assert.equal(f.unit, unit, what);
    assert.equal(f.n, 3, `${what}: three cells`);
    assert.ok(f.ci95[0] <= expected && expected <= f.ci95[1], `${what}: ${expected} ${unit} outside the 95 % interval ${f.ci95.join(' .. ')} of the mean ${f.mean}`);
    assert.ok(Math.abs(f.mean - expected) <= rel * Math.abs(expected), `${what}: mean ${f.mean} ${unit}, expected ${expected} ± ${rel * 100} %`);
    assert.ok(f.sd > 0, `${what}: the cells differ`);
  };

  it('finds the published critical current densities: the step each cell shorted at, and the mean of three cells', () => {
    // Replicate 1 shorts exactly at the published CCD, replicates 2 and 3 one step below and above.
    close(runNamed('ccd-ramp on sym-Li-1').results.ccd.currentDensity, 0.8, 'mA/cm²', 0.01, 'CCD Li, cell 1');
    close(runNamed('ccd-ramp on sym-LNT10F-1').results.ccd.currentDensity, 1.5, 'mA/cm²', 0.01, 'CCD Li-LNT10F, cell 1');
    close(runNamed('ccd-ramp on sym-LNT10F-2').results.ccd.currentDensity, 1.4, 'mA/cm²', 0.01, 'CCD Li-LNT10F, cell 2');
    close(runNamed('ccd-ramp on sym-LNT10F-3').results.ccd.currentDensity, 1.6, 'mA/cm²', 0.01, 'CCD Li-LNT10F, cell 3');
    published(figure('sym-Li', 'ccd-ramp', 'ccd'), 0.8, 'mA/cm²', 0.01, 'CCD of bare Li');
    published(figure('sym-LNT10F', 'ccd-ramp', 'ccd'), 1.5, 'mA/cm²', 0.01, 'CCD of Li-LNT10F');
    // Steps one apart: SD of (−0.1, 0, +0.1) is exactly 0.1 mA/cm².
    assert.ok(Math.abs(figure('sym-LNT10F', 'ccd-ramp', 'ccd').sd - 0.1) < 1e-6);
  });

  it('finds the published critical stripping capacities at 0.5 mA/cm² as the mean of three cells', () => {
    published(figure('half-Li', 'strip-0p5', 'stripping-capacity'), 6.60, 'mAh/cm²', 0.01, 'Li');
    published(figure('half-LNT10F', 'strip-0p5', 'stripping-capacity'), 12.96, 'mAh/cm²', 0.01, 'Li-LNT10F');
  });

  it('recovers the published D_eff from the Sand series: each cell a fit with its own standard error, the build their mean', () => {
    for (const [build, d] of [['half-Li', 2.99e-10], ['half-LNT10F', 9.62e-10], ['half-LNT5F5', 3.49e-10]] as const) {
      // Each depletion time scatters by 5 % about Sand's equation: real residuals, R² below 1.
      for (const k of [1, 2, 3]) {
        const fit = runNamed(`sand-series on ${build}-${k}`).results.sand.fit;
        assert.ok(fit.free.dEff.stderr > 0.002 * fit.free.dEff.value, `${build}-${k}: a standard error a lab would see, not 1e-17`);
        assert.ok(fit.free.r2.value < 0.99999 && fit.free.r2.value > 0.99, `${build}-${k}: R² ${fit.free.r2.value}`);
      }
      const f = figure(build, 'sand-series', 'D_eff');
      // Each cell's fit carries the 5 % scatter of its four depletion times: a tenth, not a hundredth.
      published(f, d, 'cm²/s', 0.1, build);
      assert.match(f.combination, /unweighted mean of the cells' own estimates/);
      assert.ok(f.weighted && f.weighted.se > 0, 'the inverse-variance weighted mean is given for reference');
    }
  });

  it('gives the contact retention of domain.md as the mean of three cells: 8.5 → 31.2 Ω is 7.4 %, Li-LNT10F keeps 95.3 %', () => {
    published(figure('half-Li', 'strip-0p5', 'r-ohm-initial'), 8.5, 'Ω', 0.01, 'R_ohm before, bare Li');
    published(figure('half-Li', 'strip-0p5', 'r-ohm-final'), 31.2, 'Ω', 0.02, 'R_ohm after 6 mAh/cm², bare Li');
    published(figure('half-Li', 'strip-0p5', 'contact-retention'), 100 * (8.5 / 31.2) ** 2, '%', 0.05, 'contact retained, bare Li');
    published(figure('half-LNT10F', 'strip-0p5', 'contact-retention'), 95.3, '%', 0.01, 'contact retained, Li-LNT10F');
    for (const k of [1, 2, 3]) {
      const li = runNamed(`strip-0p5 on half-Li-${k}`).results.contact;
      close(li.spectra[li.spectra.length - 1].capacity, 6.0, 'mAh/cm²', 1e-9, 'stripped at the last spectrum');
    }
  });

  it('compares the builds by Welch\'s t-test: Li-LNT10F above bare Li in D_eff, stripping capacity and contact, and in CCD', () => {
    const half = report.comparisons.find((c: Json) => c.name === 'half-cells');
    assert.equal(half.reference, 'half-Li');
    const test = (c: Json, protocol: string, key: string, build: string) => c.figures.find((f: Json) => f.protocol === protocol && f.figure === key).tests.find((t: Json) => t.build === build);
    for (const [protocol, key] of [['sand-series', 'D_eff'], ['strip-0p5', 'stripping-capacity'], ['strip-0p5', 'contact-retention']]) {
      const t = test(half, protocol, key, 'half-LNT10F');
      assert.ok(t.difference > 0 && t.significant && t.p < 0.01, `${key}: ${JSON.stringify(t)}`);
      // Welch–Satterthwaite: between min(n) − 1 = 2 and n₁ + n₂ − 2 = 4.
      assert.ok(t.dof >= 2 && t.dof <= 4, `${key}: ν = ${t.dof}`);
    }
    const sym = report.comparisons.find((c: Json) => c.name === 'symmetric-cells');
    const ccd = test(sym, 'ccd-ramp', 'ccd', 'sym-LNT10F');
    // Both builds' cells are one step apart (SD 0.1 each): t = 0.7/√(0.01/3 + 0.01/3), ν = 4 exactly.
    assert.ok(Math.abs(ccd.t - 0.7 / Math.sqrt(0.02 / 3)) < 1e-6 && Math.abs(ccd.dof - 4) < 1e-9, JSON.stringify(ccd));
  });

  it('fits the example circuit to each spectrum: R_ct grows as contact is lost (R_ct = R_ct0/a)', () => {
    const spectra = runNamed('strip-0p5 on half-Li-1').results.contact.spectra;
    const last = spectra[spectra.length - 1];
    assert.equal(last.fit.ok, true, JSON.stringify(last.fit).slice(0, 500));
    assert.equal(last.fit.converged, true);
    // The synthesised interface of cell 1 (examples/data/README.md, its EIS table): R_ct0 over the contact retained.
    const row = fs.readFileSync('examples/data/README.md', 'utf8').split('\n').find((l) => l.startsWith('| bare Li 1 | ') && l.includes('% at 6 mAh/cm²'))!;
    const cols = row.split('|').map((c) => c.trim());
    const rct0 = Number(cols[3]), a = Number(cols[8].replace(/ %.*/, '')) / 100, rLast = Number(cols[9]);
    close(last.fit.rCt, rct0 / a, 'Ω', 0.01, 'R_ct after 6 mAh/cm²');
    close(last.fit.rOhm, rLast, 'Ω', 0.02, 'series R of the fit');
    close(last.result.rOhm, rLast, 'Ω', 0.02, 'the intercept');
    assert.ok(last.result.rOhm.stderr > 0.01, 'noise of 0.5 % of |Z| gives the intercept a standard error');
    assert.equal(last.rOhm.method, 'intercept', 'contact retention uses the intercept unless the spec says r-ohm fit');
    assert.ok(last.drt.ok && last.drt.peaks.length >= 1, 'a DRT with peaks');
    assert.ok(last.linkk.ok && last.linkk.passed, 'the synthesised spectra are Kramers-Kronig consistent');
  });

  it('gives Bode data computed from the file: |Z| = √(Re² + Im²), phase = atan2(Im, Re)', () => {
    const last = runNamed('strip-0p5 on half-Li-1').results.contact.spectra.at(-1);
    // The first data row of that EC-Lab file, read here by hand: freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm.
    const lines = fs.readFileSync(path.join('examples', last.file), 'latin1').split(/\r?\n/);
    const header = lines.findIndex((l: string) => l.startsWith('freq/Hz'));
    const [f, re, minusIm] = lines[header + 1].split('\t').map(Number);
    const k = last.bode.frequency.findIndex((x: number) => Math.abs(x - f) <= 1e-9 * f);
    assert.ok(k >= 0, `frequency ${f} not in the Bode data`);
    assert.ok(Math.abs(last.bode.modulus[k] - Math.hypot(re, minusIm)) < 1e-9 * Math.hypot(re, minusIm));
    assert.ok(Math.abs(last.bode.phase[k] - (Math.atan2(-minusIm, re) * 180) / Math.PI) < 1e-9);
    assert.equal(last.bode.fitModulus.length, last.bode.frequency.length);
  });

  it('gives the full-cell figures: 148.1 mAh/g, > 91 % after 100 cycles, mean CE 99.8 %; bare Li fails after 46 cycles', () => {
    const c = runNamed('cyc-0p3C on full-LNT10F').results.cycling;
    const ref = c.cycles[c.referenceCycle - 1];
    close(ref.discharge.perMass, 148.1, 'mAh/g', 0.002, 'initial discharge Li-LNT10F');
    assert.ok(c.finalRetention.value > 0.91, `retention ${c.finalRetention.value}`);
    close(c.meanCe, 0.998, '', 0.0005, 'mean CE');
    const li = runNamed('cyc-0p3C on full-Li').results.cycling;
    close(li.cycles[li.referenceCycle - 1].discharge.perMass, 156.3, 'mAh/g', 0.002, 'initial discharge Li');
    // Cycle numbers count the precycle: regular cycle 46 is data cycle 47.
    assert.ok(li.failure && li.failure.cycle > 46 + 1 && li.failure.cycle <= 46 + 1 + 3, JSON.stringify(li.failure));
  });

  it('gives the rate capability table of Li-LNT10F', () => {
    const rows = runNamed('rate-test on full-LNT10F').results.rate.rows;
    const expected = [168.9, 147.5, 130.1, 119.6, 109.2, 167.5];
    assert.deepEqual(rows.map((r: Json) => r.rate), [0.1, 0.2, 0.3, 0.4, 0.5, 0.1]);
    rows.forEach((r: Json, k: number) => close(r.discharge.perMass, expected[k], 'mAh/g', 0.002, `${r.rate} C`));
  });

  // Issue 9, item 10: derivations beside figures in display units, and the same numbers.
  /** Every string the report shows a person (messages, derivations, warnings, summaries, notes), with its path. */
  const shownTexts = (): [string, string][] => {
    const out: [string, string][] = [];
    const walk = (n: Json, at: string) => {
      if (typeof n === 'string') { if (/(derivation|message|error|detail|text|methodNote|statusNote|why|warnings\[\d+\]|plan\[\d+\])$/.test(at)) out.push([at, n]); return; }
      if (Array.isArray(n)) n.forEach((x, k) => walk(x, `${at}[${k}]`));
      else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) walk(v, `${at}.${k}`);
    };
    walk(report, 'report');
    return out;
  };
  const SI_SPELLING = /A\/m²|C\/m²|(?<!c)m²\/s|C\/kg|S\/m\b|mol\/m³|Ω·m²/;

  it('no derivation, warning or message of the example study writes a figure in SI ("A/m²", "C/m²", "m²/s", "C/kg", "S/m")', () => {
    const texts = shownTexts();
    assert.ok(texts.filter(([at]) => at.endsWith('derivation')).length > 50, 'the derivations were found');
    const si = texts.filter(([, t]) => SI_SPELLING.test(t));
    assert.deepEqual(si, []);
  });

  it('no message of the example study speaks the API instead of the spec ("pass …", camelCase options, property paths)', () => {
    // Units that look like camelCase (mAh, mHz) are words of the field, not identifiers.
    const leak = /\bpass \w|\b(?!mAh\b|mHz\b|kHz\b|mWh\b|kWh\b)[a-z]+[A-Z][a-z]+[A-Za-z]*\b|[a-z]\.\d+\.[a-z]|\b(fitCircuit|computeDrt|linKK|detectShort|sandFit)\b/;
    const found = shownTexts().filter(([at, t]) => !at.endsWith('.file') && leak.test(t.replace(/[\w./-]+\.(mpt|csv|mpr)\b/g, '')));
    assert.deepEqual(found, []);
  });

  /** The text matched by `re`'s first group in `text`, asserted present. */
  const matchedIn = (text: string, re: RegExp, what: string): string => {
    const m = re.exec(text);
    assert.ok(m, `${what}: ${re} not in "${text}"`);
    return m[1];
  };
  const summaryOf = (run: string, label: string): string => runNamed(run).summary.find((l: Json) => l.label === label).text;
  const includes = (derivation: string, shown: string, what: string) => assert.ok(derivation.includes(shown), `${what}: "${shown}" not in the derivation "${derivation}"`);

  it('CCD: the derivation gives the CCD and the time of the short as the summary does', () => {
    const run = 'ccd-ramp on sym-Li-1', c = runNamed(run).results.ccd;
    const text = summaryOf(run, 'CCD');
    includes(c.derivation, `step 8 (${matchedIn(text, /^(\S+ mA\/cm²)/, 'CCD')},`, 'CCD');
    includes(c.derivation, `from ${matchedIn(text, /short at (\S+ h)/, 'time')}`, 'time of the short');
    close(c.currentDensity, 0.8, 'mA/cm²', 1e-6, 'CCD');
    assert.equal(c.shortStep, 8, 'the 8th step of 0.1, 0.2, … mA/cm² is 0.8 mA/cm²');
    assert.deepEqual(c.steps.map((x: Json) => x.index), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(c.lastPassed.index, 7);
    assert.equal(c.message, `short at step 8 (0.8 mA/cm²) at ${matchedIn(text, /short at (\S+ h)/, 'time')}`);
  });

  it('stripping: the derivation gives the capacity and t0 as the summary does', () => {
    const run = 'strip-0p5 on half-Li-1', s = runNamed(run).results.stripping[0];
    const text = summaryOf(run, 'stripped');
    includes(s.derivation, `= ${matchedIn(text, /^(\S+ mAh\/cm²)/, 'capacity')}.`, 'capacity');
    includes(s.derivation, `(${matchedIn(text, / in (\S+ h)/, 't0')})`, 't0');
  });

  it('Sand: the derivation gives both D_eff as the summary does, c0 as domain.md (0.07693 mol/cm³)', () => {
    const run = 'sand-series on half-LNT10F-1', f = runNamed(run).results.sand.fit;
    const text = summaryOf(run, 'D_eff');
    includes(f.derivation, `free intercept ${matchedIn(text, /^(.+? cm²\/s) \(R²/, 'free')}`, 'free D_eff');
    includes(f.derivation, `through the origin ${matchedIn(text, /through origin (.+ cm²\/s)$/, 'origin')}`, 'D_eff through the origin');
    includes(f.derivation, 'c0 = 0.07693 mol/cm³', 'c0');
  });

  it('contact retention: the derivation gives a in % and the capacities in mAh/cm² as the summary and chart do', () => {
    const run = 'strip-0p5 on half-Li-1', ret = runNamed(run).results.contact.retention;
    const text = summaryOf(run, 'contact');
    includes(ret.derivation, `gives a = ${matchedIn(text, /^([\d.]+) % retained/, 'a')}`, 'a');
    const last = ret.series.at(-1);
    includes(ret.derivation, `at ${last.capacity.value} ${last.capacity.unit}, R = `, 'stripped capacity');
  });

  it('cycling and rate: the derivation gives retention, mean CE and recovery as the summary does', () => {
    const run = 'cyc-0p3C on full-Li', c = runNamed(run).results.cycling;
    const text = summaryOf(run, 'cycling');
    includes(c.derivation, `= ${matchedIn(text, /, ([\d.]+ % at cycle \d+)/, 'retention')}`, 'retention');
    includes(c.derivation, `mean CE ${matchedIn(text, /mean CE ([\d.]+ %)/, 'mean CE')}`, 'mean CE');
    assert.match(c.derivation, /per 5\.115 mg active and 0\.6362 cm²/);
    const rate = runNamed('rate-test on full-LNT10F').results.rate;
    includes(rate.derivation, `recovers ${matchedIn(summaryOf('rate-test on full-LNT10F', 'rate'), /; ([\d.]+ %) recovered$/, 'recovery')}`, 'recovery');
  });

  it('EIS: the DRT and the intercept give R∞, R_pol and R_ohm as the summary does', () => {
    const run = 'strip-0p5 on half-Li-1', spectra = runNamed(run).results.contact.spectra, last = spectra.at(-1);
    const drt = summaryOf(run, 'DRT');
    includes(last.drt.derivation, `R∞ = ${matchedIn(drt, /R∞ ([\d.]+) ± /, 'R∞')} Ω`, 'R∞');
    includes(last.drt.derivation, `∫γ d ln τ = ${matchedIn(drt, /R_pol ([\d.]+) ± /, 'R_pol')} Ω`, 'R_pol');
    const rOhm = summaryOf(run, 'R_ohm');
    includes(last.result.derivation, `= 0 at ${matchedIn(rOhm, /→ (\S+ ± \S+ Ω)/, 'R_ohm')}`, 'R_ohm');
  });

  it('reports derived values with units and the plan against the data', () => {
    const area = report.derived.find((d: Json) => d.key === 'cell.area' || d.key === 'study.area');
    close(area, Math.PI * 0.9 ** 2 / 4, 'cm²', 1e-9, 'area');
    assert.ok(runNamed('cyc-0p3C on full-Li').plan.some((m: string) => /50 of the 101 planned cycles/.test(m)));
  });
});

describe('cellspec check with data', function () {
  this.timeout(120000);
  it('reports a broken data file with its name and line and exits 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-check-data-'));
    fs.writeFileSync(path.join(dir, 'lib.cellspec'), fs.readFileSync('examples/materials.cellspec'));
    fs.writeFileSync(path.join(dir, 'trunc.mpt'), 'time/s\tEwe/V\tI/mA\n0\t-0.01\t-0.318\n1\t-0.02\t-0.318\n2\t-0.0x3\t-0.318\n');
    fs.writeFileSync(path.join(dir, 's.cellspec'), 'import "lib.cellspec"\nstudy "s" { diameter 9 mm }\n' +
      'cell h half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\nprotocol p strip { current 0.5 mA/cm²; cutoff -0.4 V }\n' +
      'run p on h { data "trunc.mpt", "missing.mpt" }\n');
    fs.copyFileSync('test/fixtures/exampleDataBioLogic.mpt', path.join(dir, 'eis.mpt'));
    fs.appendFileSync(path.join(dir, 's.cellspec'), 'run p on h { data "eis.mpt" }\n');
    const r = run(['check', 's.cellspec'], dir);
    assert.equal(r.status, 1, r.out + r.err);
    assert.match(r.out, /s\.cellspec:5:32: error data-error: no data file matches "missing\.mpt"/);
    assert.match(r.out, /trunc\.mpt: line 4, column 2 \(Ewe\/V\)/);
    assert.match(r.out, /s\.cellspec:6:19: error data-error: eis\.mpt: only EIS spectra were given: a strip run needs the DC stripping trace/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a run with a column mapping', function () {
  this.timeout(120000);
  it('reads a file whose column names are not recognised', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-mapping-'));
    fs.writeFileSync(path.join(dir, 'lib.cellspec'), fs.readFileSync('examples/materials.cellspec'));
    // A German export with a decimal comma; Sand-limited stripping at 0.5 mA/cm² on 0.6362 cm² to -0.4 V at 10 h.
    const rows = ['Zeit;U;Strom'];
    for (let k = 0; k <= 110; k++) {
      const t = k * 360;
      const u = t < 36000 ? -0.05 - 0.3 * (t / 36000) ** 8 : -0.5;
      rows.push(`${t};${u.toFixed(5).replace('.', ',')};${(-0.5 * 0.636173).toFixed(6).replace('.', ',')}`);
    }
    fs.writeFileSync(path.join(dir, 'versuch.csv'), rows.join('\r\n') + '\r\n');
    fs.writeFileSync(path.join(dir, 's.cellspec'), 'import "lib.cellspec"\nstudy "s" { diameter 9 mm }\n' +
      'cell h half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\nprotocol p strip { current 0.5 mA/cm²; cutoff -0.4 V }\n' +
      'run p on h {\n  data "versuch.csv"\n  columns { time "Zeit (s)"; voltage "U (V)"; current "Strom (mA)" }\n}\n');
    const r = run(['analyze', '--json', 's.cellspec'], dir);
    assert.equal(r.status, 0, r.out + r.err);
    const s = JSON.parse(r.out).runs[0].results.stripping[0];
    assert.equal(s.reached, true);
    // The crossing lies between the last sample above -0.4 V (35640 s) and the first at -0.5 V (36000 s).
    const before = -0.05 - 0.3 * (35640 / 36000) ** 8;
    const t0 = 35640 + 360 * ((before + 0.4) / (before + 0.5));
    assert.ok(Math.abs(s.t0.value - t0) < 1, `t0 ${s.t0.value}`);
    assert.ok(Math.abs(s.capacity.value - 0.5 * t0 / 3600) < 0.01, `capacity ${s.capacity.value}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a circuit with fixed and bounded parameters', function () {
  this.timeout(60000);
  it('holds the fixed ones and says so in the results', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-fix-'));
    fs.cpSync('examples', dir, { recursive: true });
    const spec = path.join(dir, 'study.cellspec');
    const text = fs.readFileSync(spec, 'utf8').replace('circuit "L0-R0-p(R1,CPE1)-W1"', 'circuit "L0-R0-p(R1,CPE1)-W1"\n  fix CPE1_1 = 0.9\n  bound R0 0 .. 100');
    assert.notEqual(text, fs.readFileSync(spec, 'utf8'));
    fs.writeFileSync(spec, text);
    const r = run(['analyze', '--json', 'study.cellspec'], dir);
    assert.equal(r.status, 0, r.out.slice(0, 2000) + r.err);
    const spectra = JSON.parse(r.out).runs.find((x: Json) => x.run === 'strip-0p5 on half-Li-1').results.contact.spectra;
    const params = spectra[spectra.length - 1].fit.parameters;
    const intercept = spectra[spectra.length - 1].result.rOhm.value;
    const alpha = params.find((p: Json) => p.name === 'CPE1_1');
    assert.equal(alpha.fixed, true);
    assert.equal(alpha.value.value, 0.9);
    const r0 = params.find((p: Json) => p.name === 'R0');
    assert.ok(r0.value.value > 0 && r0.value.value < 100 && Math.abs(r0.value.value - intercept) < 0.02 * intercept, JSON.stringify(r0));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
