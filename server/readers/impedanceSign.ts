// Im(Z) is negative for a capacitive arc (types.ts). Instrument formats write it with a stated
// sign (EC-Lab -Im(Z), ZPlot Z''(b), Gamry Zimag), but hand-made tables and exports whose column
// name does not state it (Imag, Zimg, Z'', or no name at all) often hold −Im(Z), positive for the
// arc. Such a column, positive at most frequencies, is read as −Im(Z), and the reader says so: a
// cell's spectrum is capacitive over most of the sweep, inductive only at its highest frequencies.
import { DataTable, FormatId, column } from './types';
import { shownName } from './messages';

/** Formats whose Im(Z) column carries its sign as the instrument measured it. */
const SIGNED: ReadonlySet<FormatId> = new Set<FormatId>(['biologic-mpt', 'biologic-mpr', 'zplot', 'gamry', 'maccor']);

/** Positive at this share of the points (or more): the column holds −Im(Z). */
const MOSTLY = 0.8;
const MIN_POINTS = 5;

export function orientImaginary(table: DataTable): void {
  const im = column(table, 'zImag');
  if (!im || SIGNED.has(table.format) || /^\s*-/.test(im.name) || !column(table, 'frequency')) return;
  let positive = 0, nonZero = 0;
  for (const v of im.values) {
    if (v > 0) positive++;
    if (v !== 0 && v === v) nonZero++;
  }
  if (nonZero < MIN_POINTS || positive < MOSTLY * nonZero) return;
  for (let i = 0; i < im.values.length; i++) im.values[i] = -im.values[i];
  table.meta.imaginarySign = `'${shownName(im.name)}' read as −Im(Z)`;
  table.problems.push({
    line: Number(table.meta.columnLine ?? 0) || 0, severity: 'warning',
    message: `'${shownName(im.name)}' is positive at ${positive} of ${nonZero} frequencies, as −Im(Z) is for a capacitive arc: read as −Im(Z), so Im(Z) < 0 there; a name with a minus ("-Im(Z)", "-Z''") says so`,
  });
}
