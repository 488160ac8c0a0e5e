// The toolkit protocols in the spec, on in-memory documents: the plan-level values they derive
// (recomputed here from domain.md's equations), their checks and plausibility warnings, and the
// hover docs and completions that come from the schema.
import { strict as assert } from 'assert';
import { Derived } from '../server/engine/compute';
import { SpecAnalysis } from '../server/engine/specAnalysis';
import { complete } from '../server/features/completion';
import { hover } from '../server/features/hover';
import { cursorAt } from './helpers/cursor';
import { MATERIALS } from './helpers/library';
import { analyzeText } from './helpers/memoryWorkspace';

const K_B = 8.617333e-5; // eV/K, domain.md
const LIB = MATERIALS.replace('material LPSC { role electrolyte }', 'material LPSC { role electrolyte; formula "Li6PS5Cl"; conductivity 2.5 mS/cm; E_a 0.3 eV; electronic-conductivity 1e-9 S/cm }')
  + 'material SS { role collector }\n';
const CELLS = `study "s" { diameter 10 mm }
cell pellet blocking { stack SS | LPSC 600 µm | SS }
cell sym symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }
cell full full { stack Cu | Li 50 µm | LPSC 600 µm | NCM9; cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g } }
`;
const A_CM2 = Math.PI * 0.25; // 10 mm disc
const r4 = (x: number) => String(Number(x.toPrecision(4)));

function spec(protocols: string): SpecAnalysis {
  return analyzeText(LIB + CELLS + protocols);
}

function derived(a: SpecAnalysis, key: string, owner: string): Derived {
  const ds = a.derived.filter((d) => d.key === key && d.owner === owner);
  assert.equal(ds.length, 1, `expected one '${key}' for '${owner}', got ${a.derived.map((d) => `${d.key}@${d.owner}`).join(', ')}`);
  return ds[0];
}

const codes = (a: SpecAnalysis) => a.diagnostics.map((d) => `${d.code}: ${d.message}`);

describe('toolkit spec: plan-level values', () => {
  it('conductivity: the cell constant L/A and the R_b the prior σ predicts', () => {
    const a = spec('protocol c conductivity { frequencies 7 MHz .. 1 Hz }\nrun c on pellet { }\n');
    assert.deepEqual(a.diagnostics.filter((d) => d.severity !== 'info'), [], codes(a).join('\n'));
    assert.equal(derived(a, 'run.cellConstant', 'c on pellet').text, `${r4(0.06 / A_CM2)} 1/cm`);
    // R_b = L / (σ A) with L = 0.06 cm, σ = 2.5e-3 S/cm.
    assert.equal(derived(a, 'run.expectedResistance', 'c on pellet').text, `${r4(0.06 / (2.5e-3 * A_CM2))} Ω`);
    assert.ok(derived(a, 'protocol.duration', 'c').si! > 0);
  });

  it('arrhenius: σ and R_b expected at each temperature from σ(25 °C) and E_a; the duration counts the holds', () => {
    const a = spec('protocol arr arrhenius { temperatures -20, 25, 80 °C; hold 1 h; frequencies 7 MHz .. 1 Hz }\nrun arr on pellet { }\n');
    const sigma = (c: number) => { const t = c + 273.15; return (2.5e-3 * 298.15 / t) * Math.exp((-0.3 / K_B) * (1 / t - 1 / 298.15)); };
    assert.equal(derived(a, 'run.expectedConductivity', 'arr on pellet').text, [-20, 25, 80].map((c) => `${r4(sigma(c) * 1e3)} mS/cm`).join(', '));
    assert.equal(derived(a, 'run.expectedResistance', 'arr on pellet').text, [-20, 25, 80].map((c) => `${r4(0.06 / (sigma(c) * A_CM2))} Ω`).join(', '));
    const d = derived(a, 'protocol.duration', 'arr');
    assert.ok(d.si! > 3 * 3600 && d.si! < 3 * 3600 + 60, `3 holds of 1 h plus 3 sweeps: ${d.si} s`);
  });

  it('gitt: the charge per pulse, the pulses that cover the cathode, the duration', () => {
    const a = spec('protocol g gitt { current 0.1 mA/cm²; pulse 10 min; rest 1 h; pulses 40 }\nrun g on full { }\n');
    assert.equal(derived(a, 'protocol.pulseCapacity', 'g').text, `${r4(0.1 / 6)} mAh/cm²`);
    const cathode = 12e-3 * 0.67 * 180; // mAh/cm²
    assert.match(derived(a, 'run.gittPulses', 'g on full').text, new RegExp(`^${Number((cathode / (0.1 / 6)).toPrecision(3))} pulses`));
    assert.equal(derived(a, 'protocol.duration', 'g').text, `${r4(40 * (10 / 60 + 1))} h`);
  });

  it('symmetric-cycling: the half-cycle, the capacity cycled, the duration', () => {
    const a = spec('protocol s symmetric-cycling { current 0.5 mA/cm²; capacity 1 mAh/cm²; cycles 100 }\nrun s on sym { }\n');
    assert.equal(derived(a, 'protocol.halfCycle', 's').text, '2 h');
    assert.equal(derived(a, 'run.duration', 's on sym').text, '400 h');
    assert.match(derived(a, 'run.cumulativeCapacity', 's on sym').text, /^200 mAh\/cm² \(9\.7\d? % of the Li foil per half-cycle\)$/);
  });

  it('dc-polarisation: the steady current the prior σ_e predicts, I = σ_e V A / L', () => {
    const a = spec('protocol d dc-polarisation { voltage 0.5 V; hold 10 h }\nrun d on pellet { }\n');
    assert.equal(derived(a, 'run.expectedCurrent', 'd on pellet').text, `${r4((1e-9 * 0.5 * A_CM2) / 0.06 * 1e9)} nA`);
    assert.equal(derived(a, 'protocol.duration', 'd').text, '10 h');
  });
});

describe('toolkit spec: checks and plausibility', () => {
  it('a conductivity run on Li electrodes warns that they pass Li⁺', () => {
    const a = spec('protocol c conductivity { }\nrun c on sym { }\n');
    assert.ok(a.diagnostics.some((d) => d.code === 'stack-mismatch' && /Li metal electrodes, which pass Li⁺: a conductivity run needs ion-blocking electrodes/.test(d.message)), codes(a).join('\n'));
  });

  it('a pellet without a thickness is an error on the run: σ needs L', () => {
    const a = analyzeText(LIB + CELLS.replace('SS | LPSC 600 µm | SS', 'SS | LPSC | SS') + 'protocol c conductivity { }\nrun c on pellet { }\n');
    assert.ok(a.diagnostics.some((d) => d.code === 'missing-thickness' && d.severity === 'error' && /give the thickness of the LPSC pellet/.test(d.message)), codes(a).join('\n'));
  });

  it('an Arrhenius series of two temperatures is an error; a temperature outside −40..120 °C a warning', () => {
    const a = spec('protocol arr arrhenius { temperatures 25, 150 °C }\n');
    assert.ok(a.diagnostics.some((d) => d.code === 'invalid-value' && /at least 3 different temperatures/.test(d.message)));
    assert.ok(a.diagnostics.some((d) => d.code === 'implausible-value' && /150 °C is outside the plausible temperature range/.test(d.message)), codes(a).join('\n'));
  });

  it('an argyrodite prior outside domain.md\'s typical figures is warned about: σ 1–4 mS/cm, E_a 0.2–0.35 eV', () => {
    const a = analyzeText(MATERIALS.replace('material LPSC { role electrolyte }', 'material LPSC { role electrolyte; formula "Li6PS5Cl"; conductivity 12 mS/cm; E_a 0.5 eV }'));
    const w = a.diagnostics.filter((d) => d.code === 'implausible-value').map((d) => d.message);
    assert.ok(w.some((m) => /12 mS\/cm is outside the typical ionic conductivity of argyrodite Li6PS5Cl at 25 °C, 1 mS\/cm–4 mS\/cm/.test(m)), w.join('\n'));
    assert.ok(w.some((m) => /0\.5 eV is outside the typical activation energy of Li6PS5Cl, 0\.2 eV–0\.35 eV/.test(m)), w.join('\n'));
  });

  it('symmetric cycling: above the known CCD, more than the foil per half-cycle, on a cell that is not symmetric', () => {
    const a = spec('protocol s symmetric-cycling { current 1 mA/cm²; capacity 12 mAh/cm² }\nrun s on sym { }\nrun s on full { }\n');
    assert.ok(a.diagnostics.some((d) => d.code === 'above-ccd' && /1 mA\/cm² is above the known CCD of Li \(0\.8 mA\/cm²\)/.test(d.message)), codes(a).join('\n'));
    assert.ok(a.diagnostics.some((d) => d.code === 'exceeds-inventory' && /capacity per half-cycle 12 mAh\/cm² is more than the foil's Li inventory/.test(d.message)));
    assert.ok(a.diagnostics.some((d) => d.code === 'stack-mismatch' && /full is a full cell/.test(d.message)));
  });

  it('a blocking cell with a Li layer is a stack mismatch', () => {
    const a = analyzeText(LIB + 'study "s" { diameter 10 mm }\ncell b blocking { stack Li 50 µm | LPSC 600 µm | SS }\n');
    assert.ok(a.diagnostics.some((d) => d.code === 'stack-mismatch' && /ion-blocking cell has no Li metal layer/.test(d.message)), codes(a).join('\n'));
  });
});

describe('toolkit spec: hover and completion from the schema', () => {
  it('completes the new protocol types and a protocol\'s properties', () => {
    const t = cursorAt('protocol x ‸');
    const types = complete(analyzeText(t.text), t.offset).map((c) => c.label);
    for (const k of ['conductivity', 'arrhenius', 'gitt', 'symmetric-cycling', 'dc-polarisation']) assert.ok(types.includes(k), `${k} in ${types.join(', ')}`);
    const p = cursorAt('protocol g gitt {\n  ‸\n}\n');
    const props = complete(analyzeText(p.text), p.offset).map((c) => c.label);
    assert.deepEqual(['current', 'pulse', 'rest', 'pulses', 'diffusion-length'].filter((k) => !props.includes(k)), []);
  });

  it('hovers r-b with its doc, and E_a with its unit in eV', () => {
    const a = cursorAt('protocol c conductivity {\n  r-‸b fit\n}\n');
    assert.match(hover(analyzeText(a.text), a.offset)!.markdown, /foot of the blocking spike/);
    const b = cursorAt('material X {\n  role electrolyte\n  E_a 0.3‸ eV\n}\n');
    assert.match(hover(analyzeText(b.text), b.offset)!.markdown, /0\.3 eV — energy/);
  });
});
