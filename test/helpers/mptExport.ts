// A DataTable written back as EC-Lab's text export (.mpt): the header EC-Lab writes, the column
// names as read, tab-separated values in each column's own unit, every digit kept (EC-Lab writes
// float32 columns with 8 significant digits and float64 ones, time/s, with 15), Latin-1 and CRLF.
// Used to check that an .mpr and its .mpt give the same figures.
import * as fs from 'fs';
import { parseUnit } from '../../server/domain/units';
import { DataTable, SI_UNIT } from '../../server/readers/types';

/** value in the column's source unit, from SI (columns of kind-less units are stored as written). */
function fromSI(t: DataTable, k: number): (si: number) => number {
  const c = t.columns[k];
  if (!SI_UNIT[c.kind] || !c.sourceUnit) return (v) => v;
  const u = parseUnit(c.sourceUnit.replace(/\.h$/, '·h'), 'data');
  if ('error' in u) return (v) => v;
  return (v) => (v - u.offset) / u.factor;
}

export function writeMpt(t: DataTable, file: string): void {
  const names = t.columns.map((c) => c.name);
  const header = ['EC-Lab ASCII FILE', 'Nb header lines : 5', '', `Technique : ${t.technique ?? ''}`, names.join('\t')];
  const conv = t.columns.map((_, k) => fromSI(t, k));
  const rows: string[] = [];
  for (let r = 0; r < t.rows; r++) {
    rows.push(t.columns.map((c, k) => { const v = conv[k](c.values[r]); return Number.isFinite(v) ? String(v) : 'NaN'; }).join('\t'));
  }
  fs.writeFileSync(file, Buffer.from(header.concat(rows).join('\r\n') + '\r\n', 'latin1'));
}
