// What a user can do about a fit that failed, stopped at a bound or left parameters undetermined,
// in the words of the spec's eis protocol (circuit, fix, bound) so the advice can be typed as given.
import { CircuitNode } from '../../domain/circuit';
import { formatNumber } from '../../domain/format';
import type { FitSetup } from './fitChecks';

/** The impedance.py name of parameter i (R0, CPE1_1), as fix and bound write it. */
export function parameterName(s: FitSetup, i: number): string {
  return s.circuit.parameters[i].name;
}

/** A value with the parameter's unit ("1.2e-6 F"). */
export function withUnit(s: FitSetup, i: number, v: number): string {
  const unit = s.circuit.parameters[i].unit;
  return `${formatNumber(v)}${unit ? ' ' + unit : ''}`;
}

/**
 * The three remedies for parameters the data do not support: hold one at a value, confine it, or
 * leave its element (its parallel block, where it sits in one) out of the circuit. `indices` come
 * weakest first: the remedy names the first.
 */
export function whatToTry(s: FitSetup, indices: number[]): string {
  const i = indices[0];
  const name = parameterName(s, i);
  const them = indices.length > 1 ? `one of ${indices.map((k) => parameterName(s, k)).join(', ')}` : name;
  return `fix ${them} (e.g. fix ${name} = …, in SI units), bound it (bound ${name} lower .. upper), or use a simpler circuit without ${blockOf(s, i)}`;
}

/** The smallest parallel block holding parameter i's element ("p(R1,C1)"), else the element's name. */
function blockOf(s: FitSetup, i: number): string {
  const element = s.circuit.parameters[i].element;
  const find = (n: CircuitNode, block?: CircuitNode): CircuitNode | undefined => {
    if (n.kind === 'element') return n.name === element ? block ?? n : undefined;
    for (const c of n.children) {
      const hit = find(c, n.kind === 'parallel' ? n : block);
      if (hit) return hit;
    }
    return undefined;
  };
  const node = find(s.circuit.root);
  return node && node.kind !== 'element' ? s.circuit.source.slice(node.offset, node.offset + node.length) : element;
}

/** How Levenberg–Marquardt stopped, in words. */
export function stopReason(reason: string, maxIterations: number): string {
  switch (reason) {
    case 'max-iterations': return `within ${maxIterations} iterations`;
    case 'no-progress': return 'before it stopped making progress (no step lowered χ² any more)';
    case 'infeasible-start': return 'because the circuit could not be evaluated at its starting values';
    default: return `(${reason})`;
  }
}
