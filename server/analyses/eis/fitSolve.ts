// The circuit fit's solve (fit.ts): Levenberg–Marquardt from every start briefly, then the best
// few to convergence.
import type { ThetaTransform } from './fitModel';
import { LMResult, levenbergMarquardt } from './lm';

/** A start and where Levenberg–Marquardt took it. */
export interface Run {
  start: number[];
  lm: LMResult;
  iterations: number;
}

const BRIEF_ITERATIONS = 30;
const CONTINUED = 3;

/**
 * The runs, the best (smallest sum of squares) first, one per start; none without free
 * parameters. Starts equal value for value (the automatic guesses place two time constants alike
 * for a single arc: a quarter of the example study's starts) are solved once: Levenberg–Marquardt
 * is deterministic, so each copy's run is the first's (the same LMResult, read only).
 */
export function solveFromStarts(nFree: number, theta: ThetaTransform, starts: number[][], maxIterations: number): Run[] {
  if (nFree === 0) return [];
  if (starts.length === 1) {
    const lm = levenbergMarquardt(theta.problemFor(starts[0]), theta.toTheta(starts[0]), { maxIterations });
    return [{ start: starts[0], lm, iterations: lm.iterations }];
  }
  const first = Math.min(BRIEF_ITERATIONS, maxIterations);
  const brief = new Map<string, LMResult>();
  const runs = starts.map((s) => {
    const key = keyOf(s);
    let lm = brief.get(key);
    if (!lm) { lm = levenbergMarquardt(theta.problemFor(s), theta.toTheta(s), { maxIterations: first }); brief.set(key, lm); }
    return { start: s, lm, iterations: lm.iterations };
  });
  runs.sort((a, b) => a.lm.ssr - b.lm.ssr);
  const continued = new Map<string, LMResult>();
  for (const r of runs.slice(0, CONTINUED)) {
    if (r.lm.converged || !Number.isFinite(r.lm.ssr) || maxIterations <= first) continue;
    const key = keyOf(r.start);
    let lm = continued.get(key);
    if (!lm) { lm = levenbergMarquardt(theta.problemFor(r.start), r.lm.x, { maxIterations: maxIterations - first }); continued.set(key, lm); }
    r.lm = lm;
    r.iterations += lm.iterations;
  }
  runs.sort((a, b) => a.lm.ssr - b.lm.ssr);
  return runs;
}

/** A start as a key: equal for starts equal value for value (a number's string is exact). */
function keyOf(start: number[]): string {
  return start.join(' ');
}
