// Neware step types: the code each record carries and the name Neware's software (BTSDA) shows
// for it, as NewareNDA and fastnda name them in their Status column. Also the two derived step
// columns every Neware layout needs: the running step number and Neware's "charge first" cycle.

/** Step type code -> the name BTSDA shows. Codes absent here are named `Unknown_<code>`. */
export const STEP_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'CC_Chg', 2: 'CC_DChg', 3: 'CV_Chg', 4: 'Rest', 5: 'Cycle', 7: 'CCCV_Chg', 8: 'CP_DChg', 9: 'CP_Chg',
  10: 'CR_DChg', 13: 'Pause', 16: 'Pulse', 17: 'SIM', 18: 'PCCCV_Chg', 19: 'CV_DChg', 20: 'CCCV_DChg',
  21: 'Control', 22: 'OCV', 25: 'Ramp', 26: 'CPCV_DChg', 27: 'CPCV_Chg',
};

const SIM = 17;

export function stepTypeName(code: number): string {
  return STEP_TYPE_NAMES[code] ?? `Unknown_${code}`;
}

// +1 charge, -1 discharge, 0 neither, by code (codes are one byte in every layout).
const DIRECTION = new Int8Array(256);
for (const [code, name] of Object.entries(STEP_TYPE_NAMES)) {
  DIRECTION[Number(code)] = name.endsWith('_DChg') ? -1 : name.endsWith('_Chg') ? 1 : 0;
}
const direction = (code: number): number => DIRECTION[code] ?? 0; // undefined off the table
export const isChargeStep = (code: number): boolean => direction(code) === 1;
export const isDischargeStep = (code: number): boolean => direction(code) === -1;

/** The labels of the codes that occur, and the codes Neware's table does not name. */
export function stepTypeLabels(types: Float64Array): { labels: Record<number, string>; unknown: number[] } {
  // Codes are bytes in every layout: a table of 256 flags, with a Set only for anything else.
  const small = new Uint8Array(256);
  const seen = new Set<number>();
  for (let i = 0; i < types.length; i++) {
    const t = types[i];
    if (t >= 0 && t < 256 && t === (t | 0)) small[t] = 1;
    else seen.add(t);
  }
  for (let c = 0; c < 256; c++) if (small[c]) seen.add(c);
  const labels: Record<number, string> = {};
  const unknown: number[] = [];
  for (const code of [...seen].sort((a, b) => a - b)) {
    if (code !== code) continue;
    labels[code] = stepTypeName(code);
    if (!(code in STEP_TYPE_NAMES)) unknown.push(code);
  }
  return { labels, unknown };
}

/**
 * Neware's "charge first" cycle count, as BTSDA shows it by default (and NewareNDA regenerates
 * it): cycle 1 runs until the first charge-type row that follows a discharge-type (or SIM) row;
 * each such charge starts the next cycle. The cycle field inside the records counts loops of the
 * step program instead (0 throughout a program without a loop), so it is not what users call a cycle.
 */
export function chargeFirstCycles(types: Float64Array): Float64Array {
  const out = new Float64Array(types.length);
  let cycle = 1;
  let dischargedSinceStart = false;
  for (let i = 0; i < types.length; i++) {
    const t = types[i];
    if (!dischargedSinceStart) {
      if (isDischargeStep(t) || t === SIM) dischargedSinceStart = true;
    } else if (isChargeStep(t)) {
      cycle++;
      dischargedSinceStart = false;
    }
    out[i] = cycle;
  }
  return out;
}
