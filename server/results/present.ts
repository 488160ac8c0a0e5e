// Analyses work in SI; people read the field's units. One table turns an SI estimate into the
// unit the CLI's JSON, hovers and the preview show (stable: documented in docs/analyze.md).

export interface Shown { value: number; unit: string; stderr?: number }

const DISPLAY: Record<string, { unit: string; factor: number }> = {
  'A/m²': { unit: 'mA/cm²', factor: 0.1 },
  'C/m²': { unit: 'mAh/cm²', factor: 1 / 36 },
  'A·s/m²': { unit: 'mAh/cm²', factor: 1 / 36 },
  'm²/s': { unit: 'cm²/s', factor: 1e4 },
  'C': { unit: 'mAh', factor: 1 / 3.6 },
  'A·s': { unit: 'mAh', factor: 1 / 3.6 },
  'C/kg': { unit: 'mAh/g', factor: 1 / 3.6 },
  'A·s/kg': { unit: 'mAh/g', factor: 1 / 3.6 },
  'A': { unit: 'mA', factor: 1e3 },
  'm²': { unit: 'cm²', factor: 1e4 },
  'kg': { unit: 'mg', factor: 1e6 },
};

export function show(e: { value: number; unit: string; stderr?: number }): Shown {
  const d = DISPLAY[e.unit];
  if (!d) return e.stderr === undefined ? { value: e.value, unit: e.unit } : { value: e.value, unit: e.unit, stderr: e.stderr };
  const out: Shown = { value: e.value * d.factor, unit: d.unit };
  if (e.stderr !== undefined) out.stderr = e.stderr * d.factor;
  return out;
}

/** The display unit and factor for an SI unit (identity when the unit is shown as is). */
export function displayOf(siUnit: string): { unit: string; factor: number } {
  return DISPLAY[siUnit] ?? { unit: siUnit, factor: 1 };
}
