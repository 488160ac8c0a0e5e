// The one number formatter: every number a person reads (hovers, hints, messages, derivations,
// the preview, the CLI) is printed by these, so one value never shows two ways.
import { displayOf, fromSI, parseUnit } from './units';

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

/** formatSI(5, "A/m²") === "0.5 mA/cm²": an SI number in its display unit (the table of ./units), for derivations and messages. */
export function formatSI(si: number, siUnit: string, digits = 4): string {
  return formatEstimate({ value: si, unit: siUnit }, digits);
}

/** A value with its unit and, when known, its standard error (SI, as the analyses return them). */
export interface Shown { value: number; unit: string; stderr?: number }

/** An SI value in the unit the field reads it in (the display table of ./units). */
export function inDisplayUnits(e: { value: number; unit: string; stderr?: number }): Shown {
  const d = displayOf(e.unit);
  const out: Shown = { value: e.value * d.factor, unit: d.unit };
  if (e.stderr !== undefined) out.stderr = e.stderr * d.factor;
  return out;
}

/** "9.62e-10 ± 1.2e-12 cm²/s": an SI estimate in its display unit, with its standard error. */
export function formatEstimate(e: { value: number; unit: string; stderr?: number } | undefined, digits = 4): string {
  if (!e) return '—';
  const s = inDisplayUnits(e);
  const unit = s.unit ? ' ' + s.unit : '';
  return s.stderr !== undefined && s.stderr > 0 ? `${formatNumber(s.value, digits)} ± ${formatNumber(s.stderr, 2)}${unit}` : `${formatNumber(s.value, digits)}${unit}`;
}

