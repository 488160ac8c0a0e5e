// The circuit fit's starting values (fit.ts), over the free parameters: the given initial guess
// and perturbed copies of it, or the automatic guesses of guess.ts; each moved inside its bounds.
import type { FitSpec } from './fit';
import type { FitSetup } from './fitChecks';
import type { FitModel } from './fitModel';
import { autoGuesses } from './guess';

const DEFAULT_AUTO_STARTS = 12;

export interface Starts {
  /** Free-parameter vectors, the first the most trusted. */
  starts: number[][];
  /** Where they came from, for the derivation. */
  note: string;
}

type AutoGuesses = (count: number) => { starts: number[][]; note: string };

export function startingValues(spec: FitSpec, s: FitSetup, model: FitModel): Starts | string {
  // The automatic guesses, computed once and only when needed.
  let auto: { starts: number[][]; note: string } | undefined;
  const autoFor: AutoGuesses = (count) => (auto && auto.starts.length >= count ? auto : (auto = autoGuesses(s.circuit, { omega: model.omega, re: model.zr, im: model.zi }, count)));
  let starts: Starts;
  if (spec.initialGuess !== undefined) {
    const guess = readGuess(spec.initialGuess, s, autoFor);
    if (typeof guess === 'string') return guess;
    starts = perturbedCopies(guess, positiveInt(spec.starts, 1), s);
  } else {
    const a = autoFor(positiveInt(spec.starts, DEFAULT_AUTO_STARTS));
    const list = a.starts.map((p) => s.free.map((i) => p[i]));
    starts = { starts: list, note: `${list.length} automatic start${list.length > 1 ? 's' : ''} (${a.note})` };
  }
  const clipped = clipIntoBounds(starts.starts, s, autoFor);
  if (clipped && spec.initialGuess !== undefined) s.warnings.push('Some starting values were outside their bounds (or at a lower bound of a positive parameter) and were moved inside.');
  return starts;
}

/** The initial guess over the free parameters (a record's missing names from the automatic guess), or the message why it is invalid. */
function readGuess(given: NonNullable<FitSpec['initialGuess']>, s: FitSetup, autoFor: AutoGuesses): number[] | string {
  const { circuit, free, index, known } = s;
  const P = circuit.parameters.length, nFree = free.length;
  let guess: number[];
  if (Array.isArray(given)) {
    if (given.length === nFree) guess = [...given];
    else if (given.length === P) guess = free.map((i) => (given as number[])[i]);
    else return `initialGuess has ${given.length} values; ${circuit.source} has ${P} parameters (${known})${nFree < P ? `, ${nFree} of them free` : ''}`;
  } else if (typeof given === 'object' && given !== null) {
    const rec = given as Record<string, number>;
    for (const name of Object.keys(rec)) {
      if (!index.has(name)) return `initialGuess: '${name}' is not a parameter of ${circuit.source} (its parameters: ${known})`;
    }
    const a = autoFor(1).starts[0];
    guess = free.map((i) => (circuit.parameters[i].name in rec ? rec[circuit.parameters[i].name] : a[i]));
  } else return 'initialGuess must be an array of numbers or a record by parameter name';
  const bad = guess.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) return `initialGuess: ${circuit.parameters[free[bad]].name} must be a finite number (got ${String(guess[bad])})`;
  return guess;
}

/** The guess and count − 1 seeded random copies of it (log-normal for positive parameters). */
function perturbedCopies(guess: number[], count: number, s: FitSetup): Starts {
  const starts = [guess];
  const rand = gaussian(12345);
  for (let k = 1; k < count; k++) {
    starts.push(guess.map((v, j) => {
      const i = s.free[j];
      return s.lo[i] >= 0 ? v * Math.exp(0.7 * rand()) : v + 0.2 * Math.abs(v) * rand();
    }));
  }
  const note = count > 1 ? `the given initial guess and ${count - 1} perturbed cop${count > 2 ? 'ies' : 'y'}` : 'the given initial guess';
  return { starts, note };
}

/** Moves starting values into their bounds, in place (a log parameter must start above its lower bound); true if any moved. */
function clipIntoBounds(starts: number[][], s: FitSetup, autoFor: AutoGuesses): boolean {
  const { free, lo, hi } = s;
  let clipped = false;
  for (const start of starts) {
    free.forEach((i, j) => {
      let v = start[j];
      if (lo[i] >= 0 && !(v > lo[i])) {
        v = Number.isFinite(hi[i]) ? (lo[i] > 0 ? Math.sqrt(lo[i] * hi[i]) : (lo[i] + hi[i]) / 2) : lo[i] > 0 ? lo[i] * 10 : autoFor(1).starts[0][i];
        if (!(v > lo[i])) v = lo[i] + 1;
      }
      v = Math.min(Math.max(v, lo[i]), hi[i]);
      if (v !== start[j]) { clipped = true; start[j] = v; }
    });
  }
  return clipped;
}

/** A count option: a finite number ≥ 1 (rounded down), else the default. */
export function positiveInt(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(1, Math.floor(v)) : fallback;
}

/** Seeded standard normal deviates (mulberry32 + Box–Muller), for reproducible perturbed starts. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
