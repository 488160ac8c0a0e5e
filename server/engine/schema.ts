// What each block may contain: the single source for checking, completion and hover docs.
import { Dim, DIM } from '../domain/units';

/** Every way a property's value can be written; `values/` has one reader for each. */
export const SHAPES = [
  'quantity',      // 5 MPa
  'tolerance',     // 15 µm ± 0.5 µm
  'range',         // 2.8 V .. 4.3 V
  'list',          // 0.5, 1, 2 mA/cm²
  'count',         // 100
  'enum',          // metal
  'ref',           // eis-10mV
  'strings',       // "a.mpt", "b.mpt"
  'string',        // "Li6PS5Cl"
  'stack',         // Cu | Li 50 µm | LNT10F
  'members',       // GMWNT : FG = 10 : 1
  'countAtRate',   // 100 at 0.3 C
  'every',         // 10 cycles | 1 mAh/cm²
  'flag',          // stop on short
  'oneC',          // 1C = 180 mAh/g
  'cathode',       // NCM9 { loading ...; active ...; capacity ... }
  'columns',       // { time "Zeit/s"; voltage "U/V" }
  'number',        // 1e-3 (a plain number, for parameters without a unit)
  'assignments',   // CPE1_1 = 0.9, L0 = 2e-7
  'bounds',        // R1 0 .. 1000, CPE1_1 0.5 .. 1
  'names',         // half-Li-1, half-Li-2 (or words of a fixed set: D_eff, ccd)
] as const;
export type Shape = (typeof SHAPES)[number];

export type RefKind = 'material' | 'composite' | 'layer' | 'cell' | 'protocol' | 'eis-protocol' | 'group' | 'replicate' | 'build';

export interface PropSpec {
  key: string;
  shape: Shape;
  doc: string;
  dim?: Dim;
  /** Unit a snippet or quick fix suggests. */
  unit?: string;
  words?: readonly string[];
  refKind?: RefKind;
  required?: boolean;
  example?: string;
  /**
   * A run's property that means something only when its protocol measures it, so completion offers
   * it only there: `spectra` impedance spectra (eis, conductivity, arrhenius, or a protocol with
   * `eis`), `contact` spectra along the stripped capacity (eis, or a protocol with `eis`),
   * `temperatures` a temperature series (arrhenius).
   */
  needs?: 'spectra' | 'contact' | 'temperatures';
}

export const MATERIAL_ROLES = ['metal', 'alloy', 'carbon', 'binder', 'electrolyte', 'cathode', 'collector'] as const;
export const CELL_KINDS = ['symmetric', 'half', 'full', 'blocking'] as const;
export const PROTOCOL_TYPES = ['ccd', 'strip', 'sand', 'cycling', 'rate', 'eis', 'conductivity', 'arrhenius', 'gitt', 'symmetric-cycling', 'dc-polarisation'] as const;
export const COMPOSITE_GROUPS = ['carbon', 'binder', 'active', 'electrolyte', 'additive'] as const;
/** The role of a composite group's members (an additive may be anything). */
export const GROUP_ROLES: Partial<Record<(typeof COMPOSITE_GROUPS)[number], (typeof MATERIAL_ROLES)[number]>> = { carbon: 'carbon', binder: 'binder', active: 'cathode', electrolyte: 'electrolyte' };
/** Column kinds a run's `columns` block can map, as the readers name them. */
export const COLUMN_KINDS = ['time', 'voltage', 'current', 'charge', 'cycle', 'step', 'frequency', 'z-real', 'z-imag', 'temperature'] as const;
/**
 * The per-run results a comparison can name (`compare NAME { figures ... }`): what the data side
 * aggregates per build (server/results/builds.ts gives each its label, unit and extraction).
 */
export const FIGURES = ['ccd', 'stripping-capacity', 't0', 'D_eff', 'r-ohm-initial', 'r-ohm-final', 'contact-retention', 'discharge-capacity', 'ce', 'capacity-retention', 'rate-capacity', 'conductivity', 'activation-energy', 'conductivity-25', 'electronic-conductivity', 'asr-initial', 'time-to-short'] as const;
export const DATA_FORMATS = ['biologic-mpt', 'biologic-mpr', 'csv', 'arbin', 'arbin-res', 'neware', 'neware-nda', 'neware-ndax', 'land', 'maccor', 'zplot', 'gamry'] as const;

const q = (key: string, dim: Dim, unit: string, doc: string, required = false, value = exampleValue(unit)): PropSpec =>
  ({ key, shape: 'quantity', dim, unit, doc, required, example: `${key} ${value} ${unit}` });

function exampleValue(unit: string): string {
  return ({ 'mA/cm²': '0.5', 'V': '-0.4', 'h': '0.5', 'MPa': '5', '°C': '25', 'mm': '9', 'cm²': '0.6362', 'µm': '15', 'g/cm³': '0.534', 'g/mol': '6.941', 'mAh/g': '180', 'cm²/s': '1e-10', 'mAh/cm²': '1', 'mg/cm²': '12', 'wt%': '67', 'mV': '10', 'mS/cm': '2', 'eV': '0.3', 'S/cm': '1e-9', 'min': '10' } as Record<string, string>)[unit] ?? '1';
}

const environment: PropSpec[] = [
  q('temperature', DIM.temperature, '°C', 'Cell temperature during the test.'),
  q('pressure', DIM.pressure, 'MPa', 'Stack pressure applied to the cell.'),
  q('diameter', DIM.length, 'mm', 'Diameter of the punched electrodes; the cell area is π d²/4.'),
  q('area', DIM.area, 'cm²', 'Electrode area (instead of a diameter).'),
];

const window: PropSpec = { key: 'window', shape: 'range', dim: DIM.voltage, unit: 'V', doc: 'Voltage window of the cycling, lower .. upper.', example: 'window 2.8 V .. 4.3 V' };
const oneC: PropSpec = { key: '1C', shape: 'oneC', dim: DIM.specificCapacity, unit: 'mAh/g', doc: 'The specific capacity that defines 1C; C-rate currents are rate × this × active mass. Defaults to the cathode\'s capacity.', example: '1C = 180 mAh/g' };
const circuit: PropSpec = { key: 'circuit', shape: 'string', doc: 'Equivalent circuit fitted to each spectrum, in impedance.py syntax: "-" series, p(a,b) parallel; elements R, C, L, CPE, W, Wo, Ws numbered (R0, CPE1).', example: 'circuit "R0-p(R1,CPE1)-W1"' };
const fix: PropSpec = { key: 'fix', shape: 'assignments', doc: 'Circuit parameters held at a value during the fit, by impedance.py name, in SI units (Ω, F, H; CPE1_1 is α).', example: 'fix CPE1_1 = 0.9' };
const bound: PropSpec = { key: 'bound', shape: 'bounds', doc: 'Bounds of circuit parameters during the fit, by impedance.py name, in SI units.', example: 'bound R1 0 .. 1000, CPE1_1 0.5 .. 1' };
const rB: PropSpec = { key: 'r-b', shape: 'enum', words: ['intercept', 'fit'], doc: 'Where the bulk (+ grain-boundary) resistance R_b of σ = L/(R_b A) comes from: the real-axis intercept at the foot of the blocking spike (default), or the fitted circuit (its series R plus the R of its arcs: where the arcs meet the spike).', example: 'r-b intercept' };
/** The sweep and fit of the spectra of an ion-blocking cell (conductivity and Arrhenius protocols). */
const blockingSpectra = (): PropSpec[] => [
  q('amplitude', DIM.voltage, 'mV', 'Amplitude of the AC voltage perturbation.'),
  { key: 'frequencies', shape: 'range', dim: DIM.frequency, unit: 'Hz', doc: 'Frequency range, from the highest to the lowest (sulfide pellets need MHz to resolve R_b).', example: 'frequencies 7 MHz .. 1 Hz' },
  { key: 'points-per-decade', shape: 'count', doc: 'Frequencies measured per decade.', example: 'points-per-decade 10' },
  rB,
  { ...circuit, doc: circuit.doc + ' For ion-blocking electrodes e.g. "R0-CPE1" (spike only) or "R0-p(R1,CPE1)-CPE2" (bulk, grain-boundary arc, spike).', example: 'circuit "R0-p(R1,CPE1)-CPE2"' },
  fix,
  bound,
  { key: 'weighting', shape: 'enum', words: ['unit', 'modulus', 'proportional'], doc: 'Weighting of the complex least-squares fit: unit, modulus (1/|Z|) or proportional (1/|Z|²).', example: 'weighting modulus' },
];
const eisRef: PropSpec = { key: 'eis', shape: 'ref', refKind: 'eis-protocol', doc: 'An eis protocol measured during this one, on its own schedule.', example: 'eis eis-10mV' };

export const BLOCKS: Record<string, PropSpec[]> = {
  study: environment,
  material: [
    { key: 'role', shape: 'enum', words: MATERIAL_ROLES, required: true, doc: 'What the material is in a cell: ' + MATERIAL_ROLES.join(', ') + '.', example: 'role metal' },
    { key: 'formula', shape: 'string', doc: 'Chemical formula, for the record.', example: 'formula "Li6PS5Cl"' },
    q('density', DIM.density, 'g/cm³', 'Mass density. Needed for a metal\'s Li inventory and concentration c0 = density / molar mass.'),
    q('molar-mass', DIM.molarMass, 'g/mol', 'Molar mass. Needed for a metal\'s Li inventory and concentration c0.'),
    q('capacity', DIM.specificCapacity, 'mAh/g', 'Specific capacity of an active material.'),
    { ...window, doc: 'Voltage range vs Li in which the material is stable; cycling windows outside it are warned about.', example: 'window 2.5 V .. 4.6 V' },
    q('D_eff', DIM.diffusivity, 'cm²/s', 'Prior effective Li diffusion coefficient, used to predict Sand depletion times.'),
    q('ccd', DIM.currentDensity, 'mA/cm²', 'Known critical current density of this metal as an anode; planned currents above it are warned about.'),
    q('conductivity', DIM.conductivity, 'mS/cm', 'Prior ionic conductivity of an electrolyte at 25 °C; predicts R_b of conductivity runs (with E_a, at every temperature of an Arrhenius series).'),
    q('E_a', DIM.energy, 'eV', 'Prior activation energy of the ionic conductivity (Arrhenius, σT form).'),
    q('electronic-conductivity', DIM.conductivity, 'S/cm', 'Prior electronic conductivity of an electrolyte; predicts the steady current of a DC polarisation.'),
  ],
  composite: [
    ...COMPOSITE_GROUPS.map((g): PropSpec => ({ key: g, shape: 'members', refKind: 'material', doc: `The ${g} of the composite: its materials and their mass ratio.`, example: g === 'carbon' ? 'carbon GMWNT : FG = 10 : 1' : `${g} PVDF` })),
    { key: 'ratio', shape: 'members', refKind: 'group', doc: 'Mass ratio between the groups of the composite.', example: 'ratio carbon : binder = 10 : 1' },
    { key: 'thickness', shape: 'tolerance', dim: DIM.length, unit: 'µm', required: true, doc: 'Thickness of the layer, with its tolerance.', example: 'thickness 15 µm ± 0.5 µm' },
    q('D_eff', DIM.diffusivity, 'cm²/s', 'Prior effective Li diffusion coefficient of Li with this interlayer; replaces the metal\'s in predictions.'),
    q('ccd', DIM.currentDensity, 'mA/cm²', 'Known critical current density of Li with this interlayer.'),
  ],
  cell: [
    ...environment,
    { key: 'stack', shape: 'stack', refKind: 'layer', required: true, doc: 'The layers from the anode side to the cathode side, separated by |. A material layer takes a thickness; a composite carries its own.', example: 'stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu' },
    { key: 'cathode', shape: 'cathode', refKind: 'material', doc: 'The composite cathode: its active material, areal loading, active fraction and specific capacity.', example: 'cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g }' },
    { key: 'replicates', shape: 'names', refKind: 'replicate', doc: 'The cells built to this recipe, by name: each is a cell of its own that runs name (run p on half-Li-2), with its own data files; their results are aggregated per build (mean, SD, SE, 95 % interval) and compared by compare declarations.', example: 'replicates half-Li-1, half-Li-2, half-Li-3' },
  ],
  cathode: [
    q('loading', DIM.massLoading, 'mg/cm²', 'Areal mass loading of the cathode composite.', true),
    q('active', DIM.dimensionless, 'wt%', 'Mass fraction of active material in the cathode composite.', true),
    q('capacity', DIM.specificCapacity, 'mAh/g', 'Specific capacity of the active material (defaults to the material\'s).'),
  ],
  'protocol ccd': [
    // The examples are the study's ramp (domain.md): 0.1 mA/cm² steps of 1 h cycles, up to 2 mA/cm².
    q('start', DIM.currentDensity, 'mA/cm²', 'Current density of the first step.', true, '0.1'),
    q('step', DIM.currentDensity, 'mA/cm²', 'Increment of the current density from one step to the next.', true, '0.1'),
    q('half-cycle', DIM.time, 'h', 'Duration of each half cycle (stripping, then plating) at each step.', true),
    q('until', DIM.currentDensity, 'mA/cm²', 'The last step planned if the cell does not short before; bounds the duration.', false, '2'),
    { key: 'stop', shape: 'flag', words: ['on', 'short'], doc: 'Stop the ramp when the cell short-circuits.', example: 'stop on short' },
  ],
  'protocol strip': [
    q('current', DIM.currentDensity, 'mA/cm²', 'Constant stripping current density.', true),
    q('cutoff', DIM.voltage, 'V', 'Voltage at which stripping stops (the study: -0.4 V vs the counter electrode).', true),
    q('capacity', DIM.arealCapacity, 'mAh/cm²', 'Planned stripping capacity, if the test stops there before the cutoff.'),
    eisRef,
  ],
  'protocol sand': [
    { key: 'currents', shape: 'list', dim: DIM.currentDensity, unit: 'mA/cm²', required: true, doc: 'The current densities of the series; each is stripped to the cutoff. Fit t0^-1/2 against i for D_eff.', example: 'currents 0.5, 1, 2, 3 mA/cm²' },
    q('cutoff', DIM.voltage, 'V', 'Voltage that ends each stripping run (depletion time t0).', true),
    eisRef,
  ],
  'protocol cycling': [
    { ...window, required: true },
    oneC,
    { key: 'precycle', shape: 'countAtRate', dim: DIM.cRate, unit: 'C', doc: 'Formation cycles before the main cycling: count at C-rate.', example: 'precycle 1 at 0.05 C' },
    { key: 'cycles', shape: 'countAtRate', dim: DIM.cRate, unit: 'C', required: true, doc: 'Main cycling: count at C-rate.', example: 'cycles 100 at 0.3 C' },
    eisRef,
    { key: 'dqdv', shape: 'quantity', dim: DIM.voltage, unit: 'mV', doc: 'Incremental capacity dQ/dV of every half-cycle: the charge per voltage bin on a grid of a tenth of this width, smoothed by a Savitzky–Golay filter of this width; peak positions and heights per cycle.', example: 'dqdv 20 mV' },
  ],
  'protocol rate': [
    window,
    oneC,
    { key: 'rates', shape: 'list', dim: DIM.cRate, unit: 'C', required: true, doc: 'C-rates of the rate test, in order.', example: 'rates 0.1, 0.2, 0.3, 0.4, 0.5 C' },
    { key: 'cycles-each', shape: 'count', required: true, doc: 'Cycles at each C-rate.', example: 'cycles-each 5' },
    { key: 'return', shape: 'quantity', dim: DIM.cRate, unit: 'C', doc: 'C-rate of the final segment that checks recovery; as many cycles as each rate.', example: 'return 0.1 C' },
  ],
  'protocol eis': [
    q('amplitude', DIM.voltage, 'mV', 'Amplitude of the AC voltage perturbation.', true),
    { key: 'frequencies', shape: 'range', dim: DIM.frequency, unit: 'Hz', required: true, doc: 'Frequency range, from the highest to the lowest.', example: 'frequencies 1 MHz .. 0.1 Hz' },
    { key: 'points-per-decade', shape: 'count', doc: 'Frequencies measured per decade.', example: 'points-per-decade 10' },
    { key: 'every', shape: 'every', doc: 'When a spectrum is taken during the host protocol: every N cycles, or every X mAh/cm² stripped.', example: 'every 10 cycles' },
    circuit,
    fix,
    bound,
    { key: 'weighting', shape: 'enum', words: ['unit', 'modulus', 'proportional'], doc: 'Weighting of the complex least-squares fit: unit, modulus (1/|Z|) or proportional (1/|Z|²).', example: 'weighting modulus' },
    { key: 'r-ohm', shape: 'enum', words: ['intercept', 'fit'], doc: 'Where R_ohm for contact retention comes from: the high-frequency intercept of the real axis (default), or the series resistance of the fitted circuit.', example: 'r-ohm fit' },
    { key: 'drt-lambda', shape: 'number', doc: 'Regularisation parameter λ of the DRT; chosen by generalised cross-validation when absent.', example: 'drt-lambda 1e-3' },
  ],
  'protocol conductivity': blockingSpectra(),
  'protocol arrhenius': [
    { key: 'temperatures', shape: 'list', dim: DIM.temperature, unit: '°C', required: true, doc: 'The temperatures of the series, one spectrum each, in file-name order unless the files record their temperature. Fit ln(σT) (or ln σ) against 1/T for E_a.', example: 'temperatures -20, 0, 25, 50, 80 °C' },
    q('hold', DIM.time, 'h', 'Time to equilibrate at each temperature before its spectrum; counts in the duration.', false, '1'),
    { key: 'form', shape: 'enum', words: ['sigma-T', 'sigma'], doc: 'The Arrhenius form fitted: sigma-T (ln(σT) against 1/T, domain.md, the default) or sigma (ln σ against 1/T; E_a then comes out about k_B T lower).', example: 'form sigma-T' },
    ...blockingSpectra(),
  ],
  'protocol gitt': [
    q('current', DIM.currentDensity, 'mA/cm²', 'Current density of each pulse.', true, '0.1'),
    { ...q('pulse', DIM.time, 'min', 'Duration τ of each current pulse; Weppner–Huggins needs τ ≪ L²/D.', true), example: 'pulse 10 min' },
    q('rest', DIM.time, 'h', 'Rest after each pulse, long enough for the voltage to relax.', true, '1'),
    { key: 'pulses', shape: 'count', doc: 'Number of pulses planned (bounds the duration).', example: 'pulses 40' },
    { ...q('diffusion-length', DIM.length, 'µm', 'Diffusion length L of Weppner–Huggins: for particles V_M·m/(M·S), r/3 for spheres of radius r. Without it the analysis gives D/L².'), example: 'diffusion-length 1.7 µm' },
  ],
  'protocol symmetric-cycling': [
    q('current', DIM.currentDensity, 'mA/cm²', 'Current density of plating and stripping.', true),
    q('capacity', DIM.arealCapacity, 'mAh/cm²', 'Areal capacity plated (and stripped) per half-cycle; the half-cycle lasts capacity / current.', true),
    { key: 'cycles', shape: 'count', doc: 'Cycles planned (one plating and one stripping half-cycle each); bounds the duration.', example: 'cycles 500' },
    { key: 'stop', shape: 'flag', words: ['on', 'short'], doc: 'Stop cycling when the cell short-circuits.', example: 'stop on short' },
  ],
  'protocol dc-polarisation': [
    { ...q('voltage', DIM.voltage, 'V', 'The constant voltage applied across the ion-blocking cell.', true), example: 'voltage 0.5 V' },
    q('hold', DIM.time, 'h', 'How long the voltage is held; the current must reach its steady state I_ss before the end.', true, '10'),
  ],
  run: [
    { key: 'data', shape: 'strings', doc: 'Data files the run produced: paths or globs, relative to this spec.', example: 'data "data/run.mpt"' },
    { key: 'format', shape: 'enum', words: DATA_FORMATS, doc: 'Instrument format of the data files; auto-detected when absent.', example: 'format biologic-mpt' },
    { key: 'channel', shape: 'string', doc: 'Which test of a data file that holds several (an Arbin .res): its Test_ID ("2"), its test name, or its channel index as "CH3". Without it the first test is read and a warning lists the others.', example: 'channel "2"' },
    { key: 'note', shape: 'string', doc: 'A free note.', example: 'note "..."' },
    { key: 'stripped', needs: 'contact', shape: 'list', dim: DIM.arealCapacity, unit: 'mAh/cm²', doc: 'The capacity stripped when each of the run\'s EIS spectra was taken, one per spectrum in file-name order: places the spectra on the stripped capacity (contact retention) when the files do not say it. Overrides the files\' charge counters and the eis protocol\'s every.', example: 'stripped 0, 1, 2, 3 mAh/cm²' },
    { key: 'temperatures', needs: 'temperatures', shape: 'list', dim: DIM.temperature, unit: '°C', doc: 'The temperature of each of the run\'s spectra, one per spectrum in file-name order (an Arrhenius series whose files do not record it): overrides the protocol\'s temperatures.', example: 'temperatures -20, 0, 25, 50, 80 °C' },
    { ...circuit, needs: 'spectra', doc: circuit.doc + ' Overrides the circuit of the eis protocol for this run.' },
    { ...fix, needs: 'spectra' },
    { ...bound, needs: 'spectra' },
    { key: 'columns', shape: 'columns', doc: 'Which column of the data files holds what, for files whose column names are not recognised: a name as in the file, with a unit in parentheses when the name has none.', example: 'columns { time "Zeit (s)"; voltage "U (V)"; current "I (mA)" }' },
  ],
  compare: [
    { key: 'builds', shape: 'names', refKind: 'build', required: true, doc: 'The builds compared: cells declared with their replicates (or single cells). Each figure is compared between the builds whose runs give it.', example: 'builds half-Li, half-LNT10F' },
    { key: 'reference', shape: 'ref', refKind: 'build', doc: 'The build every other is compared with by Welch\'s t-test (the control); the first of the builds when absent.', example: 'reference half-Li' },
    { key: 'figures', shape: 'names', words: FIGURES, doc: 'The results compared: ' + FIGURES.join(', ') + '. Every figure the builds\' runs give when absent.', example: 'figures D_eff, stripping-capacity' },
  ],
  columns: COLUMN_KINDS.map((k): PropSpec => ({ key: k, shape: 'string', doc: `The column that holds the ${k.replace('-', ' ')}.`, example: `${k} "${k === 'time' ? 'Time (s)' : k === 'voltage' ? 'Voltage (V)' : k === 'current' ? 'Current (mA)' : k}"` })),
};

export const DECL_DOCS: Record<string, string> = {
  import: 'Import another .cellspec file (a material library); its declarations become visible here.',
  study: 'Study-wide defaults (temperature, pressure, diameter or area) for every cell that does not set them.',
  material: 'A material with its properties: role, density, molar mass, specific capacity, voltage window, D_eff prior, known CCD.',
  composite: 'A composite layer (e.g. an interlayer) defined by mass ratios of its groups and a thickness.',
  cell: 'A cell: kind (symmetric, half, full, or blocking: an electrolyte pellet between ion-blocking electrodes), area, pressure, temperature, the ordered stack of layers and the cathode.',
  protocol: 'A test protocol: ccd, strip, sand, cycling, rate, eis, conductivity, arrhenius, gitt, symmetric-cycling or dc-polarisation.',
  run: 'A protocol applied to a cell, with the data files it produced.',
  compare: 'A comparison of builds (cells with their replicates): each figure per build as mean ± SD with a 95 % interval, and each build against the reference by Welch\'s t-test.',
};

export function blockKey(keyword: string, type?: string): string {
  return keyword === 'protocol' ? `protocol ${type}` : keyword;
}

export function propSpec(block: string, key: string): PropSpec | undefined {
  return BLOCKS[block]?.find((p) => p.key === key);
}
