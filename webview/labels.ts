// Where the label of a marked point goes (a short, a Sand time, a DRT peak, the return to 0.1 C):
// beside its point, inside the plot, and clear of the labels placed before it. The page knows the
// plot's size but not vega's final domains, so positions are estimated from the data's extent; a
// few pixels of error do not matter at the margins used here.
import type { Axis, ChartModel } from '../protocol/preview';

export interface LabelPlace { align: 'left' | 'right'; dx: number; dy: number }

/** A label's character width and height at the charts' 11 px font, with a little air. */
const CHAR_PX = 6.3;
const ASCENT_PX = 10;
const DESCENT_PX = 3;
/** From the point to the label's near edge, across and along. */
const GAP_PX = 8;
const ABOVE_PX = -10;
const BELOW_PX = 18;
const STEP_PX = 14;
/** Levels tried on each side before giving up on avoiding other labels. */
const LEVELS = 4;

interface Box { x0: number; x1: number; y0: number; y1: number }
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Maps a data value to 0..1 along an axis, from the extent of the values drawn on it. */
function axisFraction(a: Axis, values: number[]): (v: number) => number {
  const log = a.scale === 'log';
  const t = (v: number) => (log ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v);
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v) && (!log || v > 0)) { lo = Math.min(lo, t(v)); hi = Math.max(hi, t(v)); }
  if (!log && a.zero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  if (!Number.isFinite(lo)) return () => 0.5;
  const span = hi - lo || 1;
  return (v: number) => (t(v) - lo) / span;
}

/** The label places of a chart's marks, in mark order, for a plot of `width` × `height` pixels. */
export function placeLabels(c: ChartModel, width: number, height: number): LabelPlace[] {
  const marks = c.marks ?? [];
  if (!marks.length) return [];
  const xs = [...c.series.flatMap((s) => s.points.map((p) => p[0])), ...marks.map((m) => m.x)];
  const ys = [...c.series.flatMap((s) => s.points.map((p) => p[1])), ...marks.map((m) => m.y)];
  const fx = axisFraction(c.x, xs), fy = axisFraction(c.y, ys);
  const placed: Box[] = [];
  return marks.map((m) => {
    const px = fx(m.x) * width, py = (1 - fy(m.y)) * height;
    const w = String(m.label).length * CHAR_PX;
    // Rightwards when the label fits there, else leftwards when it fits there, else the roomier side.
    const fitsRight = px + GAP_PX + w <= width, fitsLeft = px - GAP_PX - w >= 0;
    const right = fitsRight ? false : fitsLeft ? true : px > width / 2;
    const x0 = right ? px - GAP_PX - w : px + GAP_PX;
    const box = (dy: number): Box => ({ x0, x1: x0 + w, y0: py + dy - ASCENT_PX, y1: py + dy + DESCENT_PX });
    // Clear of the x axis and its labels below the plot; the top may take a pixel or two.
    const inside = (b: Box) => b.y0 >= -2 && b.y1 <= height - 3;
    // Above the point first (below it when the point is near the top), then further out, each side in turn.
    const firstBelow = py < ASCENT_PX + STEP_PX;
    const tries: number[] = [];
    for (let k = 0; k < LEVELS; k++) {
      const above = ABOVE_PX - STEP_PX * k, below = BELOW_PX + STEP_PX * k;
      tries.push(...(firstBelow ? [below, above] : [above, below]));
    }
    const dy = tries.find((d) => inside(box(d)) && !placed.some((p) => overlaps(p, box(d))))
      ?? tries.find((d) => inside(box(d))) ?? tries[0];
    placed.push(box(dy));
    return { align: right ? 'right' : 'left', dx: right ? -GAP_PX : GAP_PX, dy };
  });
}
