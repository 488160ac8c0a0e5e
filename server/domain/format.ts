// The one number formatter: every number a person reads (hovers, hints, messages, derivations,
// the preview, the CLI) is printed by these, so one value never shows two ways.
import { fromSI, parseUnit } from './units';

/**
 * Rounds to `significant` digits; plain notation for 1e-3 <= |x| < 1e6, else "9.62e-10".
 * No trailing zeros ("1.5", not "1.500").
 */
export function formatNumber(x: number, significant = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const r = Number(x.toPrecision(significant));
  const a = Math.abs(r);
  if (a >= 1e-3 && a < 1e6) return String(r);
  const [mant, exp] = r.toExponential(significant - 1).split('e');
  return `${mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant}e${Number(exp)}`;
}

/** formatQuantity(5, "mA/cm²") === "0.5 mA/cm²"; throws if unitText is not a unit. */
export function formatQuantity(si: number, unitText: string): string {
  const u = parseUnit(unitText);
  if ('error' in u) throw new Error(u.error);
  return `${formatNumber(fromSI(si, u))} ${u.canonical}`;
}
