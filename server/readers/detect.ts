// Which reader a file needs, from its content (never from its extension): container magic bytes,
// signature first lines, then the column names of a delimited table.
import { bdfTermNamed } from './bdfTerms';
import { DelimitedPlan, sniffDelimited, splitLine } from './delimited';
import { zplotColumnLine } from './eis';
import { FileHead, headLines, parseNumber } from './text';
import { ColumnKind, DataError, FormatId } from './types';

export interface Detection {
  format: FormatId;
  /** The delimited layout, when the format is read as a delimited table. */
  plan?: DelimitedPlan;
  /** A short reason, for logs and tests. */
  why: string;
  /** The kind of each column of a header-less table, told by its shape (impedance spectra). */
  columns?: ColumnKind[];
}

const has = (names: string[], re: RegExp): boolean => names.some((n) => re.test(n.trim()));

/** Names only EC-Lab writes (with its units): a header-less .mpt starts with these. */
const ECLAB = /^(mode|ox\/red|error|control changes|Ns changes|counter inc\.|Ns|time\/s|control\/V\/mA|control\/V|control\/mA|Ewe\/V|Ecell\/V|<Ewe>\/V|I\/mA|<I>\/mA|freq\/Hz|Re\(Z\)\/Ohm|-Im\(Z\)\/Ohm|\|Z\|\/Ohm|cycle number|\(Q-Qo\)\/mA\.h|Q charge\/discharge\/mA\.h|half cycle|dq\/mA\.h|Energy charge\/W\.h)$/;

export function ecLabNames(names: string[]): boolean {
  return names.filter((n) => ECLAB.test(n.trim())).length >= 3;
}

export function arbinNames(names: string[]): boolean {
  return has(names, /^test_time/i) && has(names, /^(cycle_index|step_index|data_point)/i);
}

export function newareNames(names: string[]): boolean {
  return has(names, /^(record id|record index|datapoint|step type|cycle id|step id|realtime|total time|capacitance_(chg|dchg)|chg\. ?cap|dchg\. ?cap|time\(h:min:s\.ms\)|数据序号|记录序号|工步类型|循环序号|工步序号|总时间|绝对时间|相对时间)/i);
}

export function landNames(names: string[]): boolean {
  return has(names, /^(testtime|steptime|systime|spe ?cap|cycle-index|step-index|step-state|测试时间|步骤时间|系统时间)/i);
}

export function bdfNames(names: string[]): boolean {
  return names.filter((n) => bdfTermNamed(n)).length >= 2;
}

export function maccorNames(names: string[]): boolean {
  return has(names, /^rec#$/i) && has(names, /^cyc#$/i);
}

export function detectFormat(head: FileHead): Detection {
  if (head.container === 'mpr') return { format: 'biologic-mpr', why: 'BIO-LOGIC MODULAR FILE' };
  if (head.container === 'jet') return { format: 'arbin-res', why: 'Microsoft Access (Jet) database' };
  if (head.container === 'nda') return { format: 'neware-nda', why: 'NEWARE' };
  if (head.container === 'ndax') return { format: 'neware-ndax', why: 'zip with .ndc parts' };
  if (head.container === 'zip' || head.container === 'cfb') return { format: 'land', why: 'workbook (xlsx/xls)' };
  const lines = headLines(head);
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) throw new DataError(head.file, lines.length || 1, 'the file holds only blank lines');
  const first = lines[firstIdx].trim();
  if (/^(EC-Lab|BT-Lab) ASCII FILE/i.test(first)) return { format: 'biologic-mpt', why: 'EC-Lab ASCII FILE' };
  if (/^ZPLOT2? ASCII/i.test(first)) return { format: 'zplot', why: 'ZPLOT ASCII' };
  if (first === 'EXPLAIN' && lines.some((l) => /^TAG\t/.test(l))) return { format: 'gamry', why: 'Gamry EXPLAIN/TAG' };
  if (/^MACCOR/i.test(first)) return { format: 'maccor', why: 'MACCOR title' };
  // A ZPlot table whose comment block was left out: its column line, perhaps "End Comments", rows.
  if (lines.slice(firstIdx, firstIdx + 40).some((l) => zplotColumnLine(l, true))) return { format: 'zplot', why: 'ZPlot column names without the comment block' };

  const plan = sniffDelimited(head);
  if (!plan) {
    throw new DataError(head.file, firstIdx + 1,
      `not a data file this reader knows: no table of numbers in the first ${lines.length} lines (starts '${first.slice(0, 50)}')`);
  }
  const names = plan.headerLine ? plan.names : [];
  // What cellspec convert writes: its instrument columns (Step_Index, ...) must not make it an Arbin file.
  if (bdfNames(names)) return { format: 'csv', plan, why: 'Battery Data Format columns' };
  if (/^Today's Date/i.test(first) || maccorNames(names)) return { format: 'maccor', plan, why: 'Maccor columns' };
  if (plan.headerLine === 1 && plan.sep === 9 && ecLabNames(names)) return { format: 'biologic-mpt', plan, why: 'EC-Lab column names' };
  if (arbinNames(names)) return { format: 'arbin', plan, why: 'Arbin columns' };
  if (newareNames(names)) return { format: 'neware', plan, why: 'Neware columns' };
  if (landNames(names)) return { format: 'land', plan, why: 'LAND columns' };
  const columns = plan.headerLine ? undefined : spectrumByShape(numericColumns(lines, plan));
  if (columns) return { format: 'eis-csv', plan, columns, why: `${plan.fields} numeric columns, no header, shaped like an impedance spectrum` };
  return { format: 'csv', plan, why: plan.headerLine ? 'delimited table with a header' : 'delimited table without a header' };
}

/** The numbers of the first data rows, by column (rows with as many numbers as the plan's fields). */
function numericColumns(lines: string[], plan: DelimitedPlan): number[][] {
  const out: number[][] = Array.from({ length: plan.fields }, () => []);
  for (const line of lines.slice(plan.dataLine - 1, plan.dataLine + 199)) {
    const cells = splitLine(line, plan.sep, plan.quoted).filter((c) => c.trim() !== '');
    if (cells.length !== plan.fields) continue;
    const values = cells.map((c) => parseNumber(c, 0, c.length, plan.decimalComma));
    if (values.some((v) => v !== v)) continue;
    values.forEach((v, k) => out[k].push(v));
  }
  return out;
}

/**
 * The kinds of a header-less table's columns when it is an impedance spectrum of 3 to 6 columns
 * (f, Re, Im as pyDRTtools and impedance.py write it; NOVA's f, Z', -Z'', |Z|, -phase, time): a
 * frequency sweep, Re(Z) positive in the next column, Im(Z) (either sign: see impedanceSign.ts)
 * after it. A three-column table must start with the sweep; a wider one may start with another
 * column (an index) and its sweep must span a decade, so a falling voltage is not taken for one.
 */
export function spectrumByShape(cols: number[][]): ColumnKind[] | undefined {
  const n = cols.length;
  if (n < 3 || n > 6) return undefined;
  for (let f = 0; f + 2 < n && (n > 3 || f === 0); f++) {
    const freq = cols[f], re = cols[f + 1], im = cols[f + 2];
    if (!frequencyLike(freq) || (n > 3 && decades(freq) < 1)) continue;
    if (re.filter((v) => v > 0).length < 0.95 * re.length || im.every((v) => v === 0)) continue;
    const kinds: ColumnKind[] = cols.map(() => 'other');
    kinds[f] = 'frequency'; kinds[f + 1] = 'zReal'; kinds[f + 2] = 'zImag';
    return kinds;
  }
  return undefined;
}

function decades(f: number[]): number {
  return Math.log10(Math.max(...f) / Math.min(...f));
}

/**
 * A frequency sweep, not a time axis: positive, monotonic, and either falling or rising in
 * nearly equal ratios (log-spaced). Keeps a header-less t, V, I file from being read as EIS.
 */
export function frequencyLike(f: number[]): boolean {
  if (f.length < 3 || f.some((v) => !(v > 0))) return false;
  const falling = f.every((v, i) => i === 0 || v < f[i - 1]);
  const rising = f.every((v, i) => i === 0 || v > f[i - 1]);
  if (falling) return true;
  if (!rising || f[f.length - 1] / f[0] < 10) return false;
  const steps = f.slice(1).map((v, i) => Math.log(v / f[i]));
  const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
  const sd = Math.sqrt(steps.reduce((a, b) => a + (b - mean) ** 2, 0) / steps.length);
  return sd < 0.25 * mean;
}
