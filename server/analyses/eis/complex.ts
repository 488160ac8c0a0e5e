// A tiny complex-number helper for the EIS code: plain { re, im } objects and free functions.
// The fit's inner loop does not use it (circuit.ts evaluates on scalar pairs); it is for callers
// and for the closed forms that read better as complex algebra.

export interface Complex {
  re: number;
  im: number;
}

export const complex = (re: number, im = 0): Complex => ({ re, im });
export const cadd = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
export const csub = (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im });
export const cmul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
export const cscale = (a: Complex, k: number): Complex => ({ re: a.re * k, im: a.im * k });
export const cabs = (a: Complex): number => Math.hypot(a.re, a.im);

export function cdiv(a: Complex, b: Complex): Complex {
  // Smith's algorithm: no overflow for large |b|.
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const r = b.im / b.re, d = b.re + b.im * r;
    return { re: (a.re + a.im * r) / d, im: (a.im - a.re * r) / d };
  }
  const r = b.re / b.im, d = b.re * r + b.im;
  return { re: (a.re * r + a.im) / d, im: (a.im * r - a.re) / d };
}

export const cinv = (a: Complex): Complex => cdiv({ re: 1, im: 0 }, a);

/** Principal square root. */
export function csqrt(a: Complex): Complex {
  const m = cabs(a);
  if (m === 0) return { re: 0, im: 0 };
  const re = Math.sqrt((m + a.re) / 2);
  const im = Math.sqrt(Math.max(0, (m - a.re) / 2));
  return { re, im: a.im < 0 ? -im : im };
}

/** tanh(z), stable for large |Re z| (written with e^(−2|x|), which cannot overflow). */
export function ctanh(z: Complex): Complex {
  const sign = z.re < 0 ? -1 : 1;
  const x = sign * z.re, y = sign * z.im;
  const e = Math.exp(-2 * x), c = Math.cos(2 * y), s = Math.sin(2 * y);
  // (1 − e^(−2z)) / (1 + e^(−2z)) with e^(−2z) = e (cos 2y − i sin 2y)
  const t = cdiv({ re: 1 - e * c, im: e * s }, { re: 1 + e * c, im: -e * s });
  return { re: sign * t.re, im: sign * t.im };
}

/** (jω)^α for ω > 0: ω^α (cos απ/2 + j sin απ/2). */
export function jomegaPow(omega: number, alpha: number): Complex {
  const m = Math.pow(omega, alpha), phi = (alpha * Math.PI) / 2;
  return { re: m * Math.cos(phi), im: m * Math.sin(phi) };
}
