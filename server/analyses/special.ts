// Special functions the analyses need and Math lacks.

const SQRT_PI = Math.sqrt(Math.PI);

/** The error function (Maclaurin series below 2.5, Laplace continued fraction above; |err| < 1e-14). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    const x2 = ax * ax;
    let term = ax, sum = ax;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const t = term / (2 * k + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / SQRT_PI) * sum;
  } else if (ax > 6.5) {
    r = 1;
  } else {
    let t = ax;
    for (let k = 80; k >= 1; k--) t = ax + k / 2 / t;
    r = 1 - Math.exp(-ax * ax) / (SQRT_PI * t);
  }
  return x < 0 ? -r : r;
}
