// What the circuit parser and the impedance analyses promise, checked by the fuzzing. The parser
// never throws: a circuit whose elements, names and parameters agree with the string, or errors
// placed inside it. The fit, Lin-KK and the DRT return a Result, never throw, and never hide an
// exception of theirs as a Failure ("failed unexpectedly" is `guarded` catching a bug).
import { impedance } from '../../../server/analyses/eis/circuitModel';
import { computeDrt } from '../../../server/analyses/eis/drt';
import { fitCircuit, FitSpec } from '../../../server/analyses/eis/fit';
import { linKK } from '../../../server/analyses/eis/linkk';
import { ELEMENT_PARAMETERS, parseCircuit } from '../../../server/domain/circuit';
import { FitCase } from './circuitInputs';

export function checkCircuitParse(source: string): void {
  const r = parseCircuit(source);
  if (!r.ok) {
    if (!r.errors.length) throw new Error('a failed parse without errors');
    for (const e of r.errors) {
      if (typeof e.message !== 'string' || !e.message) throw new Error(`an error without a message at ${e.offset}`);
      if (!(Number.isInteger(e.offset) && Number.isInteger(e.length) && e.offset >= 0 && e.length >= 0 && e.offset + e.length <= source.length)) {
        throw new Error(`error [${e.offset}, +${e.length}) outside the circuit of length ${source.length}: ${e.message}`);
      }
    }
    return;
  }
  const c = r.circuit;
  const names = new Set<string>();
  let params = 0;
  for (const el of c.elements) {
    if (source.slice(el.offset, el.offset + el.length) !== el.name) throw new Error(`element ${el.name} at [${el.offset}, +${el.length}) reads '${source.slice(el.offset, el.offset + el.length)}'`);
    if (names.has(el.name)) throw new Error(`element ${el.name} twice`);
    names.add(el.name);
    if (el.firstParam !== params) throw new Error(`element ${el.name}: first parameter ${el.firstParam}, expected ${params}`);
    params += ELEMENT_PARAMETERS[el.type].length;
  }
  if (!c.elements.length || c.parameters.length !== params) throw new Error(`${c.elements.length} elements, ${c.parameters.length} parameters (expected ${params})`);
}

/** The typical size of each parameter kind; a case scales it by 10^(±1). */
function typical(type: string, index: number): number {
  switch (type) {
    case 'R': return 100;
    case 'C': return 1e-6;
    case 'L': return 1e-7;
    case 'CPE': return index === 0 ? 1e-5 : 0.8;
    case 'W': return 50;
    default: return index === 0 ? 100 : 1;
  }
}

/** A deterministic normal deviate sequence (Box-Muller over mulberry32). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** The fit's input of a case: the spectrum of the true parameters, noisy and damaged, and the options. */
export function fitSpecOf(k: FitCase): { spec: FitSpec; truth: number[] } {
  const parsed = parseCircuit(k.circuit);
  if (!parsed.ok) throw new Error(`the generator made an invalid circuit '${k.circuit}': ${parsed.errors[0].message}`);
  const c = parsed.circuit;
  const truth = c.parameters.map((p, i) => {
    const s = k.scales[i % k.scales.length];
    return p.type === 'CPE' && p.index === 1 ? 0.5 + 0.5 * (s + 1) / 2 : typical(p.type, p.index) * Math.pow(10, s);
  });
  const frequency = Array.from({ length: k.points }, (_, i) => Math.pow(10, k.fMaxLog - (k.points > 1 ? (k.decades * i) / (k.points - 1) : 0)));
  const z = impedance(c, truth, frequency.map((f) => 2 * Math.PI * f));
  const g = normals(k.noiseSeed);
  const zReal = z.map((p) => p.re * (1 + k.noise * g()));
  const zImag = z.map((p) => p.im * (1 + k.noise * g()));
  for (const d of k.damage) {
    if (!k.points) break;
    const i = d.at % k.points;
    switch (d.kind) {
      case 'nan': zReal[i] = NaN; break;
      case 'inf': zImag[i] = Infinity; break;
      case 'zero': frequency[i] = 0; break;
      case 'negate': zImag[i] = -zImag[i]; break;
      case 'duplicate': frequency[i] = frequency[(i + 1) % k.points]; break;
      case 'swapParts': [zReal[i], zImag[i]] = [zImag[i], zReal[i]]; break;
      case 'huge': zReal[i] = 1e300; break;
    }
  }
  const P = c.parameters.length;
  const fixed: Record<string, number> = {};
  for (const i of k.fix) fixed[c.parameters[i % P].name] = truth[i % P];
  const bounds: Record<string, [number, number]> = {};
  for (const b of k.bound) {
    const i = b.index % P;
    if (fixed[c.parameters[i].name] === undefined) bounds[c.parameters[i].name] = [truth[i] / b.factor, truth[i] * b.factor];
  }
  const guess = k.guess === 'none' ? undefined : Object.fromEntries(c.parameters.map((p, i) => [p.name, k.guess === 'truth' ? truth[i] : truth[i] * 7.3]));
  const spec: FitSpec = {
    circuit: k.circuit, frequency, zReal, zImag, starts: k.starts, dropInductive: k.dropInductive,
    ...(k.weighting ? { weighting: k.weighting } : {}), ...(Object.keys(fixed).length ? { fixed } : {}),
    ...(Object.keys(bounds).length ? { bounds } : {}), ...(guess ? { initialGuess: guess } : {}),
  };
  return { spec, truth };
}

function checkResult(what: string, r: { ok: boolean; error?: string; warnings?: string[] }): void {
  if (!r || typeof r.ok !== 'boolean') throw new Error(`${what} returned no Result: ${JSON.stringify(r)?.slice(0, 200)}`);
  if (!Array.isArray(r.warnings)) throw new Error(`${what}: a Result without warnings`);
  if (!r.ok) {
    if (typeof r.error !== 'string' || !r.error) throw new Error(`${what}: a Failure without an error`);
    if (/failed unexpectedly/.test(r.error)) throw new Error(`${what} threw inside (guarded caught it): ${r.error}`);
  }
}

export function checkFit(k: FitCase): void {
  const { spec, truth } = fitSpecOf(k);
  const fit = fitCircuit(spec);
  checkResult('fitCircuit', fit);
  if (fit.ok) {
    if (fit.parameters.length !== truth.length) throw new Error(`the fit gives ${fit.parameters.length} parameters of ${truth.length}`);
    for (const p of fit.parameters) if (!Number.isFinite(p.value.value)) throw new Error(`parameter ${p.name} = ${p.value.value}`);
    if (!(fit.nPoints >= 0 && Number.isFinite(fit.rmse.value))) throw new Error(`rmse ${fit.rmse.value} over ${fit.nPoints} points`);
  }
  const spectrum = { frequency: spec.frequency, zReal: spec.zReal, zImag: spec.zImag };
  if (k.linKK) checkResult('linKK', linKK({ ...spectrum, dropInductive: k.dropInductive }));
  if (k.drt) checkResult('computeDrt', computeDrt({ ...spectrum, ...(k.drtLambda !== undefined ? { lambda: k.drtLambda } : {}) }));
}
