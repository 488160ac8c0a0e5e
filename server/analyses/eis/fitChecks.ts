// The circuit fit's first stage (fit.ts): the specification checked, the spectrum cleaned, and the
// parameters sorted into fixed and free with their bounds.
import { Circuit, parseCircuit } from '../../domain/circuit';
import type { FitSpec, Weighting } from './fit';
import { PreparedSpectrum, prepareSpectrum } from './spectrum';

/** What the later stages need from a valid specification. */
export interface FitSetup {
  circuit: Circuit;
  weighting: Weighting;
  spectrum: PreparedSpectrum;
  /** The warnings so far; later stages add theirs. */
  warnings: string[];
  /** Parameter index by name, and the names listed for messages. */
  index: Map<string, number>;
  known: string;
  /** The value of each fixed parameter (undefined for the free ones). */
  fixedVal: (number | undefined)[];
  /** Indices of the free parameters. */
  free: number[];
  lo: number[];
  hi: number[];
  /** The upper bounds without the user's (1 for a CPE exponent, else ∞). */
  defaultHi: number[];
}

export type CheckFailure = { error: string; warnings?: string[] };

export function checkFit(spec: FitSpec): FitSetup | CheckFailure {
  if (!spec || typeof spec !== 'object') return { error: 'no fit specification given: expected { circuit, frequency, zReal, zImag }' };
  const parsed = parseCircuit(spec.circuit);
  if (!parsed.ok) {
    return { error: `circuit '${String(spec.circuit)}': ${parsed.errors.map((e) => `${e.message} (at character ${e.offset + 1})`).join('; ')}` };
  }
  const circuit = parsed.circuit;
  const weighting: Weighting = spec.weighting ?? 'modulus';
  if (!['unit', 'modulus', 'proportional'].includes(weighting)) return { error: `weighting must be 'unit', 'modulus' or 'proportional' (got ${String(weighting)})` };
  const hasL = circuit.elements.some((e) => e.type === 'L');
  const prep = prepareSpectrum(spec.frequency, spec.zReal, spec.zImag, {
    dropInductive: spec.dropInductive,
    inductiveNote: hasL ? 'the circuit has an inductor for them' : 'the circuit has no inductor, so they pull the fit',
    leadRemedy: hasL ? undefined : `for a lead inductance, add an inductor in series to the circuit (e.g. "L0-${circuit.source}")`,
  });
  if ('error' in prep) return { error: prep.error, warnings: prep.warnings };
  const warnings = prep.warnings;
  const index = new Map(circuit.parameters.map((p, i) => [p.name, i]));
  const known = circuit.parameters.map((p) => p.name).join(', ');
  const names = { circuit, index, known };

  const fixedVal = readFixed(spec, names);
  if (typeof fixedVal === 'string') return { error: fixedVal, warnings };
  const free = circuit.parameters.map((_, i) => i).filter((i) => fixedVal[i] === undefined);
  const defaultHi = circuit.parameters.map((p) => (p.type === 'CPE' && p.index === 1 ? 1 : Infinity));
  const bounds = readBounds(spec, names, free, defaultHi);
  if (typeof bounds === 'string') return { error: bounds, warnings };

  const N = prep.frequency.length, nFree = free.length;
  const needed = Math.max(5, nFree + 1);
  if (N < needed) {
    return { error: `${N} usable point${N === 1 ? '' : 's'} for ${nFree} free parameter${nFree === 1 ? '' : 's'} of ${circuit.source}: at least ${needed} needed; measure more frequencies, fix some parameters (fix …) or use a simpler circuit`, warnings };
  }
  return { circuit, weighting, spectrum: prep, warnings, index, known, fixedVal, free, lo: bounds.lo, hi: bounds.hi, defaultHi };
}

interface Names { circuit: Circuit; index: Map<string, number>; known: string }

/** `fixed` by parameter index, or the message for the first invalid entry. */
function readFixed(spec: FitSpec, { circuit, index, known }: Names): (number | undefined)[] | string {
  const fixedVal = new Array<number | undefined>(circuit.parameters.length).fill(undefined);
  for (const [name, v] of Object.entries(spec.fixed ?? {})) {
    const i = index.get(name);
    if (i === undefined) return `fix: '${name}' is not a parameter of ${circuit.source} (its parameters: ${known})`;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `fix: ${name} must be a finite number (got ${String(v)})`;
    fixedVal[i] = v;
  }
  return fixedVal;
}

/** The box of every parameter ([0, defaultHi] unless `bounds` says otherwise), or the message why `bounds` is invalid. */
function readBounds(spec: FitSpec, { circuit, index, known }: Names, free: number[], defaultHi: number[]): { lo: number[]; hi: number[] } | string {
  const lo = circuit.parameters.map(() => 0), hi = [...defaultHi];
  if (spec.bounds === undefined) return { lo, hi };
  const b = spec.bounds;
  if (Array.isArray(b)) {
    const [lb, ub] = b as readonly [readonly number[], readonly number[]];
    if (!Array.isArray(lb) || !Array.isArray(ub) || lb.length !== free.length || ub.length !== free.length) {
      return `bound: [lower[], upper[]] needs ${free.length} values each (the free parameters ${free.map((i) => circuit.parameters[i].name).join(', ')})`;
    }
    free.forEach((i, j) => { lo[i] = lb[j]; hi[i] = ub[j]; });
  } else if (typeof b === 'object' && b !== null) {
    for (const [name, pair] of Object.entries(b as Record<string, readonly [number, number]>)) {
      const i = index.get(name);
      if (i === undefined) return `bound: '${name}' is not a parameter of ${circuit.source} (its parameters: ${known})`;
      if (!Array.isArray(pair) || pair.length !== 2) return `bound: ${name} needs a lower and an upper value (bound ${name} lower .. upper)`;
      lo[i] = pair[0]; hi[i] = pair[1];
    }
  } else return 'bound: expected parameters with a lower and an upper value (bound R1 0 .. 1000)';
  for (let i = 0; i < circuit.parameters.length; i++) {
    if (typeof lo[i] !== 'number' || typeof hi[i] !== 'number' || Number.isNaN(lo[i]) || Number.isNaN(hi[i]) || !(lo[i] < hi[i])) {
      return `bound ${circuit.parameters[i].name}: the lower value must be below the upper (got ${lo[i]} .. ${hi[i]})`;
    }
  }
  return { lo, hi };
}
