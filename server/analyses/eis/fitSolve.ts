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

/** The runs, the best (smallest sum of squares) first; none without free parameters. */
export function solveFromStarts(nFree: number, theta: ThetaTransform, starts: number[][], maxIterations: number): Run[] {
  if (nFree === 0) return [];
  if (starts.length === 1) {
    const lm = levenbergMarquardt(theta.problemFor(starts[0]), theta.toTheta(starts[0]), { maxIterations });
    return [{ start: starts[0], lm, iterations: lm.iterations }];
  }
  const first = Math.min(BRIEF_ITERATIONS, maxIterations);
  const runs = starts.map((s) => {
    const lm = levenbergMarquardt(theta.problemFor(s), theta.toTheta(s), { maxIterations: first });
    return { start: s, lm, iterations: lm.iterations };
  });
  runs.sort((a, b) => a.lm.ssr - b.lm.ssr);
  for (const r of runs.slice(0, CONTINUED)) {
    if (r.lm.converged || !Number.isFinite(r.lm.ssr) || maxIterations <= first) continue;
    const lm = levenbergMarquardt(theta.problemFor(r.start), r.lm.x, { maxIterations: maxIterations - first });
    r.lm = lm;
    r.iterations += lm.iterations;
  }
  runs.sort((a, b) => a.lm.ssr - b.lm.ssr);
  return runs;
}
