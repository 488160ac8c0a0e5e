// The circuit fit's multi-start solve: starts equal value for value are solved once (the automatic
// guesses place two time constants alike for a single arc), and the result is the one each would
// have had alone.
import { strict as assert } from 'assert';
import { checkFit } from '../server/analyses/eis/fitChecks';
import { thetaTransform, weightedModel } from '../server/analyses/eis/fitModel';
import { solveFromStarts } from '../server/analyses/eis/fitSolve';
import { startingValues } from '../server/analyses/eis/fitStarts';
import { noisySpectrum } from './helpers/traces';

describe('solveFromStarts', () => {
  const spec = { circuit: 'R0-p(R1,CPE1)', ...noisySpectrum({ r0: 20, arcs: [{ r: 200, c: 5e-6, alpha: 0.9 }], fHigh: 1e5, fLow: 0.1 }, 0.005, 3) };
  const setup = checkFit(spec);
  if ('error' in setup) throw new Error(setup.error);
  const model = weightedModel(setup);
  const theta = thetaTransform(setup, model);
  const starts = startingValues(spec, setup, model);
  if (typeof starts === 'string') throw new Error(starts);

  it('solves equal starts once, each copy keeping its place, with the runs of the distinct starts unchanged', () => {
    const [a, b] = starts.starts;
    assert.notDeepEqual(a, b);
    const distinct = solveFromStarts(setup.free.length, theta, [a, b], 400);
    const withCopies = solveFromStarts(setup.free.length, theta, [a, [...a], b, [...b]], 400);
    assert.equal(withCopies.length, 4, 'one run per start, copies included (startsTried counts them)');
    const runsOf = (runs: typeof distinct, s: number[]) => runs.filter((r) => r.start.join() === s.join());
    for (const s of [a, b]) {
      const copies = runsOf(withCopies, s);
      assert.equal(copies.length, 2);
      assert.equal(copies[0].lm, copies[1].lm, 'the copies share one solve');
      const alone = runsOf(distinct, s)[0];
      assert.deepEqual(Array.from(copies[0].lm.x), Array.from(alone.lm.x));
      assert.equal(copies[0].lm.ssr, alone.lm.ssr);
      assert.equal(copies[0].iterations, alone.iterations);
    }
    assert.ok(withCopies[0].lm.ssr <= withCopies[3].lm.ssr, 'the best first');
  });
});
