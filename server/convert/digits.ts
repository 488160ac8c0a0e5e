// The digits a converted value is written with: those its source holds, not the noise of the
// conversion. 1.5 mA is 0.0015 A, not 0.0015000000000000002; 25.3 °C read as 298.45 K is 25.3 °C
// again; a 32-bit float the instrument stored is written with the up to 9 digits it holds
// (3.881992, not 3.8819923400878906). A value that needed no conversion is kept bit for bit.

/** How a unit's numbers become SI: si = raw · factor + offset. */
export interface Linear { factor: number; offset: number }

export const IDENTITY: Linear = { factor: 1, offset: 0 };

/**
 * `si` (SI values a reader made from numbers written in `from` units) in `to` units, each value
 * rounded to the digits its source holds. NaN stays NaN.
 */
export function convertValues(si: Float64Array, from: Linear, to: Linear): Float64Array {
  const exact = from.factor === 1 && from.offset === 0;
  const raw = exact ? si : si.map((v) => (v - from.offset) / from.factor);
  return rewrite(raw, exact, from, to);
}

/** Numbers as the file writes them, in `from` units, in `to` units. */
export function convertRaw(raw: Float64Array, from: Linear, to: Linear): Float64Array {
  return rewrite(raw, true, from, to);
}

/**
 * `exact`: `raw` holds the file's numbers bit for bit (not recovered from SI). Converted values
 * keep 15 significant digits: below any instrument's resolution, above the conversion's noise.
 */
function rewrite(raw: Float64Array, exact: boolean, from: Linear, to: Linear): Float64Array {
  const float32 = isFloat32(raw, exact);
  const scale = from.factor / to.factor, shift = (from.offset - to.offset) / to.factor;
  const same = scale === 1 && shift === 0;
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    // Runs of one value (a constant current, a rest at zero) are common: convert once.
    if (i > 0 && v === raw[i - 1]) out[i] = out[i - 1];
    else if (!Number.isFinite(v)) out[i] = v;
    else if (float32) out[i] = same ? shortestFloat32(v) : round(shortestFloat32(v) * scale + shift, 15);
    else if (same) out[i] = exact ? v : round(v, 15);
    else out[i] = round(v * scale + shift, 15);
  }
  return out;
}

function round(v: number, digits: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}

/** Every value a 32-bit float (binary instrument files store most channels so). */
function isFloat32(v: Float64Array, exact: boolean): boolean {
  let finite = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    finite++;
    const f = Math.fround(x);
    if (f === x) continue;
    // Values recovered from SI carry the conversion's rounding: allow a few units of the last place.
    if (exact || Math.abs(f - x) > Math.abs(x) * 2 ** -48) return false;
  }
  return finite > 0;
}

/** The shortest decimal that reads back as the same 32-bit float. */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  for (let p = 6; p < 9; p++) {
    const c = Number(f.toPrecision(p));
    if (Math.fround(c) === f) return c;
  }
  return Number(f.toPrecision(9));
}

