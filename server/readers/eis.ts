// Impedance exports with their own layouts: Scribner/Solartron ZPlot (.z) and Gamry Framework
// (.DTA). Header-less f, Re, Im triples (comma- or blank-separated) go through delimited.ts.
import { resolveColumns } from './columns';
import { FileHead, forEachLine } from './text';
import { TableBuilder, WHITESPACE, makeTable } from './table';
import { DataError, DataTable, ReadOptions } from './types';

/**
 * ZPlot: "ZPLOT2 ASCII", indented "Key: value" lines, the column line (Freq(Hz), Ampl, Bias,
 * Time(Sec), Z'(a), Z''(b), ...) just above "End Comments", then the rows. Z'' is written with its
 * sign (negative for a capacitive arc). The columns are tab-separated in ZPlot's own files and
 * comma- or blank-separated in some exports; the comment block may be missing altogether, leaving
 * the column line (and perhaps "End Comments") above the rows.
 */
export async function readZPlot(head: FileHead, options: ReadOptions): Promise<DataTable> {
  const file = head.file;
  const meta: Record<string, string> = {};
  let layout: ColumnLine | undefined;
  let columnLine = 0;
  let inData = false;
  let builder: TableBuilder | undefined;
  const start = (no: number): void => {
    if (!layout) throw new DataError(file, no, 'the ZPlot header has no column line (Freq(Hz), Z\'(a), Z\'\'(b), …) before the data');
    const specs = resolveColumns(layout.names, { file, columnLine, format: 'zplot', mapping: options.mapping });
    builder = new TableBuilder(specs, { file, columnLine, sep: layout.sep, decimalComma: layout.sep !== 44 });
    inData = true;
  };
  await forEachLine(head, options, (line, no) => {
    if (inData) { builder!.addLine(line, no); return; }
    const t = line.trim();
    if (/^End Comments/i.test(t)) { start(no); return; }
    const names = zplotColumnLine(t, false);
    if (names) { layout = names; columnLine = no; return; }
    if (layout && /^[-+]?[\d.]/.test(t)) { start(no); builder!.addLine(line, no); return; }
    const m = /^([^:]{1,40}):\s*(.*)$/.exec(t);
    if (m && !(m[1].trim() in meta)) meta[m[1].trim()] = m[2].trim();
  });
  if (!builder) throw new DataError(file, 0, 'no ZPlot data: neither "End Comments" nor a column line with Freq(Hz) was found');
  const built = builder.finish();
  if (built.rows === 0) throw new DataError(file, columnLine + 1, `no data rows below the column line (line ${columnLine})`);
  meta.encoding = head.encoding;
  meta.columnLine = String(columnLine);
  const type = meta['Experiment Type'] ?? '';
  const technique = /control voltage/i.test(type) ? 'PEIS' : /control current/i.test(type) ? 'GEIS' : type || 'EIS';
  return makeTable(file, 'zplot', built, meta, technique);
}

/** The names of a column line and the separator its rows use. */
export interface ColumnLine { names: string[]; sep: number }

/**
 * A ZPlot column line: a frequency and an impedance column among at least three names, separated
 * by tabs, commas, semicolons or blanks ("vs Freq-Initial: 300000" in the comment block is not
 * one). `strict` asks for ZPlot's own spellings (Freq(Hz) and Z'(a) or Z''(b)), to tell a ZPlot
 * table without its comment block from other files.
 */
export function zplotColumnLine(line: string, strict: boolean): ColumnLine | undefined {
  const t = line.trim();
  const sep = t.includes('\t') ? 9 : t.includes(',') ? 44 : t.includes(';') ? 59 : WHITESPACE;
  const names = (sep === WHITESPACE ? t.split(/\s+/) : t.split(String.fromCharCode(sep))).map((x) => x.trim());
  if (names.length < 3) return undefined;
  const frequency = strict ? /^freq\(hz\)$/i : /^freq/i;
  const impedance = strict ? /^z'{1,2}\([ab]\)$/i : /^(-?z'{1,2}|-?z"|z\(|zre|zim)/i;
  return names.some((n) => frequency.test(n)) && names.some((n) => impedance.test(n)) ? { names, sep } : undefined;
}

/**
 * Gamry Framework .DTA: "EXPLAIN", then "KEY<TAB>TYPE<TAB>value<TAB>label" lines and tables:
 * "ZCURVE<TAB>TABLE", a names line, a units line, then rows that start with a tab. The impedance
 * table (ZCURVE) is read when there is one; otherwise the DC table (CURVE, or CURVE1, CURVE2, …
 * joined when their columns agree). OCVCURVE (the rest before the experiment) is skipped.
 */
export async function readGamry(head: FileHead, options: ReadOptions): Promise<DataTable> {
  const file = head.file;
  const meta: Record<string, string> = {};
  type Table = { name: string; names: string[]; units: string[]; columnLine: number; builder?: TableBuilder };
  let best: Table | undefined;
  let current: Table | undefined; // the table whose rows are being read, or undefined
  let stage = 0; // 1: expect names, 2: expect units, 3: rows
  let pending: { name: string; line: number } | undefined;
  let technique: string | undefined;
  const rank = (name: string): number => (name === 'ZCURVE' ? 3 : /^CURVE\d*$/.test(name) ? 2 : 0);

  await forEachLine(head, options, (line, no) => {
    if (stage === 3 && current) {
      if (line.charCodeAt(0) === 9) { current.builder?.addLine(line, no); return; }
      stage = 0;
      current = undefined;
    }
    if (stage === 1 && pending) {
      const names = line.split('\t').slice(1).map((s) => s.trim());
      current = { name: pending.name, names, units: [], columnLine: no };
      stage = 2;
      return;
    }
    if (stage === 2 && current) {
      current.units = line.split('\t').slice(1).map((s) => s.trim());
      const t = current;
      const r = rank(t.name);
      const joinable = best && r === 2 && rank(best.name) === 2 && best.names.join('\t') === t.names.join('\t');
      if (joinable) {
        t.builder = best!.builder;
      } else if (r > 0 && (!best || r > rank(best.name))) {
        const specs = resolveColumns(t.names, { file, columnLine: t.columnLine, format: 'gamry', mapping: options.mapping, units: t.units });
        t.builder = new TableBuilder(specs, { file, columnLine: t.columnLine, sep: 9, decimalComma: true, skipFields: 1 });
        best = t;
      }
      stage = 3;
      return;
    }
    const cells = line.split('\t');
    const key = cells[0].trim();
    if (cells[1] === 'TABLE') {
      pending = { name: key, line: no };
      stage = 1;
      return;
    }
    if (key === 'TAG' && cells[1]) { technique = cells[1].trim(); meta.TAG = technique; return; }
    if (!key || cells.length < 3) return;
    const type = cells[1];
    if (/^(LABEL|QUANT|IQUANT|POTEN|TOGGLE|SELECTOR|ONEPARAM|PSTAT)$/.test(type) && !(key in meta)) {
      const label = cells[cells.length - 1] ?? '';
      const unit = /\(([^)]+)\)\s*$/.exec(label);
      meta[key] = `${cells[2].trim()}${unit && type === 'QUANT' ? ` ${unit[1]}` : ''}`;
    }
  });
  if (!best || !best.builder) {
    throw new DataError(file, 0, 'no ZCURVE or CURVE table in this Gamry file');
  }
  const built = best.builder.finish();
  if (built.rows === 0) throw new DataError(file, best.columnLine + 2, `the ${best.name} table (line ${best.columnLine - 1}) has no rows`);
  meta.encoding = head.encoding;
  meta.columnLine = String(best.columnLine);
  meta.table = best.name;
  return makeTable(file, 'gamry', built, meta, technique);
}
