// Analyses work in SI; people read the field's units. One table says which unit each SI unit is
// shown in (stable: the CLI's JSON, hovers and the preview use it); the factors come from the
// units module, so they are computed, not typed in.
import { convert, parseUnit, Unit } from '../domain/units';

export interface Shown { value: number; unit: string; stderr?: number }

const DISPLAY: Record<string, string> = {
  'A/m²': 'mA/cm²',
  'C/m²': 'mAh/cm²',
  'm²/s': 'cm²/s',
  'C': 'mAh',
  'C/kg': 'mAh/g',
  'A': 'mA',
  'm²': 'cm²',
  'kg': 'mg',
};

const factors = new Map<string, { unit: string; factor: number }>();

/** The display unit and factor for an SI unit (identity when the unit is shown as is). */
export function displayOf(siUnit: string): { unit: string; factor: number } {
  let d = factors.get(siUnit);
  if (!d) {
    const target = DISPLAY[siUnit] ?? DISPLAY[siUnit.replace(/A·s/g, 'C')];
    // In the analyses "C" is the coulomb; in the units module it is the C-rate: say A·s.
    const from = target && parseUnit(siUnit.replace(/\bC\b/g, 'A·s'));
    const to = target && parseUnit(target);
    d = from && to && !('error' in from) && !('error' in to)
      ? { unit: target, factor: convert(1, from as Unit, to as Unit) }
      : { unit: siUnit, factor: 1 };
    factors.set(siUnit, d);
  }
  return d;
}

export function show(e: { value: number; unit: string; stderr?: number }): Shown {
  const d = displayOf(e.unit);
  const out: Shown = { value: e.value * d.factor, unit: d.unit };
  if (e.stderr !== undefined) out.stderr = e.stderr * d.factor;
  return out;
}
