// Assertions on analysis results (server/analyses/common.ts), shared by the analysis tests.
import { strict as assert } from 'assert';
import { Failure, Result, Success } from '../../server/analyses';

/** Asserts success, that no estimate (or number in a list) is NaN or infinite, and narrows. */
export function ok<T>(r: Result<T>): Success<T> {
  assert.ok(r.ok, `expected a result, got error: ${r.ok ? '' : r.error}`);
  allFinite(r);
  return r as Success<T>;
}

/** Asserts failure with a message matching `pattern`, and that no value is presented. */
export function fails<T>(r: Result<T>, pattern: RegExp): Failure {
  assert.equal(r.ok, false, `expected an error, got ${JSON.stringify(r).slice(0, 300)}`);
  const f = r as Failure;
  assert.match(f.error, pattern);
  assert.deepEqual(Object.keys(f).sort(), ['derivation', 'error', 'ok', 'points', 'warnings']);
  return f;
}

export function allFinite(node: unknown, path = 'result'): void {
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.value === 'number' && typeof o.unit === 'string') {
    assert.ok(Number.isFinite(o.value), `${path}.value is ${o.value}`);
    if (o.stderr !== undefined) assert.ok(Number.isFinite(o.stderr as number), `${path}.stderr is ${o.stderr}`);
  }
  if (Array.isArray(o)) { o.forEach((v, k) => { if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path}[${k}] is ${v}`); else allFinite(v, `${path}[${k}]`); }); return; }
  for (const [k, v] of Object.entries(o)) allFinite(v, `${path}.${k}`);
}

/** |actual − expected| ≤ rel · |expected|, with a message that says by how much it is off. */
export function close(actual: number, expected: number, rel: number, what = ''): void {
  assert.ok(Number.isFinite(actual), `${what}: ${actual} is not finite`);
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= rel, `${what}: expected ${expected} within ${rel * 100} %, got ${actual} (${(err * 100).toFixed(4)} % off)`);
}
