// Findings of the fuzz campaign kept as regression cases: test/fuzz-regressions/<target>/<hash>.json,
// one file per distinct failure, holding the (shrunk) case as the target's arbitrary made it, how
// it failed and how to find it again (the campaign's seed, the batch seed and fast-check's path).
// `npm test` replays every file through the same oracle (test/fuzzRegressions.test.ts).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const REGRESSIONS = path.join(__dirname, '..', '..', '..', '..', 'test', 'fuzz-regressions');

export interface Regression {
  target: string;
  /** crash: an exception or a broken promise; hang: no answer within the watchdog; died: the worker ran out of memory or crashed. */
  kind: 'crash' | 'hang' | 'died';
  /** The first lines of the error as found. */
  error: string;
  /** The case, as the target's arbitrary produces it (after shrinking, for a crash), frozen (its bytes) where the target can. */
  value: unknown;
  /** The recipe the frozen case was made from. */
  recipe?: unknown;
  found: { date: string; campaignSeed: number; batchSeed: number; path?: string; shrinks?: number };
  /** What was done about it (filled in by hand when the bug is fixed). */
  fixed?: string;
  /** Why a finding is not fixed yet (filled in by hand): its replay is pending, not run, until it is. */
  open?: string;
}

/** JSON with the values JSON cannot say (NaN, ±Infinity, -0, undefined in arrays) spelled out, so a replay is exact. */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $number: 'NaN' };
    if (!Number.isFinite(v)) return { $number: v > 0 ? 'Infinity' : '-Infinity' };
    if (Object.is(v, -0)) return { $number: '-0' };
    return v;
  }
  if (v === undefined) return { $undefined: true };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, encodeValue(x)]));
  return v;
}

export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$number === 'string') return Number(o.$number);
    if (o.$undefined === true) return undefined;
    if (typeof o.$bytes === 'string') return Uint8Array.from(Buffer.from(o.$bytes, 'base64'));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x)]));
  }
  return v;
}

export function regressionFile(r: Pick<Regression, 'target' | 'value'>, dir = REGRESSIONS): string {
  const hash = createHash('sha1').update(r.target + '\0' + JSON.stringify(encodeValue(r.value))).digest('hex').slice(0, 12);
  return path.join(dir, r.target, `${hash}.json`);
}

/** Writes the finding unless the same case is already kept; returns its file. */
export function saveRegression(r: Regression, dir = REGRESSIONS): string {
  const file = regressionFile(r, dir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...r, value: encodeValue(r.value), ...(r.recipe === undefined ? {} : { recipe: encodeValue(r.recipe) }) }, null, 2) + '\n');
  }
  return file;
}

export function loadRegressions(dir = REGRESSIONS): { file: string; regression: Regression }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { file: string; regression: Regression }[] = [];
  for (const t of fs.readdirSync(dir).sort()) {
    const sub = path.join(dir, t);
    if (!fs.statSync(sub).isDirectory()) continue;
    for (const f of fs.readdirSync(sub).filter((x) => x.endsWith('.json')).sort()) {
      const raw = JSON.parse(fs.readFileSync(path.join(sub, f), 'utf8')) as Regression;
      out.push({ file: path.join(sub, f), regression: { ...raw, value: decodeValue(raw.value) } });
    }
  }
  return out;
}
