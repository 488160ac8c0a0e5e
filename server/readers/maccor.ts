// Maccor text exports. The cycler export: a first line of test facts ("Today's Date … Date of
// Test: … Filename: … Procedure: …"), the column line (Rec#, Cyc#, Step, Test (Sec), Amp-hr, Amps,
// Volts, State, …), tab-separated rows; Amps are unsigned and the State column (C, D, R) gives the
// direction. The AC-impedance export: "MACCOR, INC.  AC Impedance Test", a few header lines, the
// column line Freq(Hz), Polar(V) (which holds ω, not a voltage), time(sec), Z'(a), Z''(b), …
import { resolveColumns } from './columns';
import { DelimitedPlan, readDelimited, sniffDelimited } from './delimited';
import { FileHead, forEachLine, headLines } from './text';
import { columnsToKeep, TableBuilder, makeTable } from './table';
import { DataError, DataTable, ReadOptions } from './types';

export function isMaccorEis(head: FileHead): boolean {
  const first = headLines(head)[0] ?? '';
  return /^MACCOR/i.test(first.trim()) && /impedance/i.test(first);
}

export async function readMaccor(head: FileHead, options: ReadOptions, plan?: DelimitedPlan): Promise<DataTable> {
  if (isMaccorEis(head)) return readMaccorEis(head, options);
  const p = plan ?? sniffDelimited(head);
  if (!p) throw new DataError(head.file, 1, 'no Maccor column line (Rec#, Cyc#, Step, …) followed by data rows was found');
  const meta: Record<string, string> = {};
  const first = p.preamble.join(' ');
  const fact = (key: string, re: RegExp): void => {
    const m = re.exec(first);
    if (m && m[1].trim()) meta[key] = m[1].trim();
  };
  fact('Date of Test', /Date of Test:\s*(.*?)\s*(?:\t|Filename:|$)/i); // "12/16/2019", "11 December 2020, 12:22:12 PM"
  fact('Filename', /Filename:\s*(.*?)\s*(?:Procedure:|\t|$)/i);
  fact('Procedure', /Procedure:\s*(.*?)\s*(?:\t|Comment\/Barcode:|$)/i);
  fact('Comment/Barcode', /Comment\/Barcode:\s*(.*)$/i);
  return readDelimited(head, { ...p, preamble: [] }, {
    format: 'maccor', meta, signByState: true, defaults: { charge: 'Ah', chargeCapacity: 'Ah', dischargeCapacity: 'Ah', current: 'A', voltage: 'V' },
  }, options);
}

async function readMaccorEis(head: FileHead, options: ReadOptions): Promise<DataTable> {
  const file = head.file;
  const meta: Record<string, string> = {};
  let builder: TableBuilder | undefined;
  let columnLine = 0;
  await forEachLine(head, options, (line, no) => {
    if (builder) { builder.addLine(line, no); return; }
    const t = line.trim();
    if (/^Freq/i.test(t) && line.includes('\t')) {
      const names = line.split('\t').map((s) => s.trim());
      while (names.length && !names[names.length - 1]) names.pop();
      columnLine = no;
      const specs = resolveColumns(names, { file, columnLine: no, format: 'maccor', mapping: options.mapping });
      builder = new TableBuilder(specs, { file, columnLine: no, sep: 9, decimalComma: true, keep: columnsToKeep(specs, options.kinds) });
      return;
    }
    if (no === 1) { meta.title = t.replace(/\s{2,}/g, ' '); return; }
    const sd = /Start Date:\s*(.*?)\s*Start Time:\s*(.*)$/i.exec(t);
    if (sd) { meta['Start Date'] = sd[1]; meta['Start Time'] = sd[2]; return; }
    const kv = /^([A-Za-z][^:]{0,40}):\s*(.+)$/.exec(t);
    if (kv && !(kv[1] in meta)) meta[kv[1].trim()] = kv[2].trim();
    else if (no === 4 && t) meta.file = t;
  });
  if (!builder) throw new DataError(file, 0, 'no column line starting with Freq(Hz) in this Maccor impedance file');
  const built = builder.finish();
  if (built.rows === 0) throw new DataError(file, columnLine + 1, `no data rows below the column line (line ${columnLine})`);
  meta.encoding = head.encoding;
  meta.columnLine = String(columnLine);
  return makeTable(file, 'maccor', built, meta, 'EIS');
}
