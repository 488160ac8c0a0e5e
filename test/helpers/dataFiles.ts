// Synthetic instrument files for the reader tests: EC-Lab GCPL .mpt (any size, decimal commas,
// Latin-1, CRLF, with or without the header block), LAND workbooks, and small text helpers.
// Every generator returns what it wrote, so tests compare against the written numbers.
import * as fs from 'fs';
import * as XLSX from '@e965/xlsx';

/** "%.{digits}E" the way EC-Lab writes numbers: 1.2345000E+003 (three exponent digits). */
export function ecLabNumber(x: number, digits: number, decimalComma = false): string {
  const s = x.toExponential(digits);
  const e = s.indexOf('e');
  let mant = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  if (decimalComma) mant = mant.replace('.', ',');
  const a = Math.abs(exp);
  return `${mant}E${exp < 0 ? '-' : '+'}${a < 10 ? '00' : a < 100 ? '0' : ''}${a}`;
}

export interface MptOptions {
  /** Write "3,301" (a French or German EC-Lab). */
  decimalComma?: boolean;
  /** Line ends (EC-Lab writes CRLF). */
  eol?: '\r\n' | '\n' | '\r';
  /** Encode the header as Latin-1 (EC-Lab on Windows) instead of UTF-8. */
  latin1?: boolean;
  /** Leave out the header block: the file starts with the column line. */
  headerless?: boolean;
  /** End the column line and every row with a tab, as some EC-Lab versions do. */
  trailingTab?: boolean;
  /** Cut the last row in the middle of its second number, as a copy interrupted mid-write. */
  truncateLast?: boolean;
  /** Write the 16 columns of a real EC-Lab GCPL export (flags, Ns, control, capacities), not the 4 the analyses read. */
  wide?: boolean;
}

export interface GcplRow {
  time: number; // s
  ewe: number; // V
  iMa: number; // mA
  cycle: number;
}

/** Row i of the synthetic GCPL: ±0.5 mA half cycles of 360 points between 3.0 and 4.2 V. */
function gcplRow(i: number): GcplRow {
  const half = Math.floor(i / 360);
  const k = i % 360;
  const charging = half % 2 === 0;
  return {
    time: i * 10.25 + 0.125,
    ewe: charging ? 3.0 + (1.2 * k) / 359 : 4.2 - (1.2 * k) / 359,
    iMa: charging ? 0.5 : -0.5,
    cycle: Math.floor(half / 2) + 1,
  };
}

export const GCPL_COLUMNS = ['time/s', 'Ewe/V', 'I/mA', 'cycle number'];

function gcplCells(i: number, comma: boolean): string[] {
  const r = gcplRow(i);
  return [ecLabNumber(r.time, 9, comma), ecLabNumber(r.ewe, 7, comma), ecLabNumber(r.iMa, 7, comma), String(r.cycle)];
}

/** The columns of an EC-Lab GCPL export: time/s, Ewe/V, I/mA and cycle number among twelve the analyses do not read. */
export const WIDE_GCPL_COLUMNS = [
  'mode', 'ox/red', 'error', 'control changes', 'Ns changes', 'counter inc.', 'Ns', 'time/s', 'control/V/mA', 'Ewe/V', 'I/mA',
  'dq/mA.h', '(Q-Qo)/mA.h', 'half cycle', 'Q charge/discharge/mA.h', 'cycle number',
];

/** Row i as EC-Lab writes the wide export: integer flags, times and cycle numbers with 16 digits, the rest with 8. */
function wideGcplCells(i: number, comma: boolean): string[] {
  const r = gcplRow(i);
  const k = i % 360;
  const half = Math.floor(i / 360);
  const charging = half % 2 === 0;
  const dq = (r.iMa * 10.25) / 3600; // mA·h in one 10.25 s interval
  const first = k === 0 ? '1' : '0';
  const n = (x: number, digits = 7) => ecLabNumber(x, digits, comma);
  return [
    '1', charging ? '1' : '0', '0', first, first, '0', charging ? '0' : '1', n(r.time, 15), n(r.iMa), n(r.ewe), n(r.iMa),
    n(dq), n((k + 1) * dq), String(half), n((k + 1) * Math.abs(dq)), n(r.cycle, 15),
  ];
}

export interface WrittenMpt {
  bytes: number;
  rows: number;
  /** 1-based line of the column names. */
  columnLine: number;
  /** The values of row i as written (what a reader must give back, before unit conversion). */
  row(i: number): GcplRow;
}

function mptHeader(columnLine: number): string[] {
  return [
    'EC-Lab ASCII FILE',
    `Nb header lines : ${columnLine}                          `,
    '',
    'Galvanostatic Cycling with Potential Limitation',
    '',
    'Run on channel : 3 (SN 20417)',
    'User : ',
    'CE vs. WE compliance from -10 V to 10 V',
    'Electrode connection : standard',
    'Potential control : Ewe',
    'Ewe ctrl range : min = 0.00 V, max = 5.00 V',
    'Safety Limits :',
    '\tEwe min = 2.50 V',
    'Acquisition started on : 03/14/2024 09:30:00',
    'Saved on :',
    '\tFile : NCM-LPSC-Li_C03.mpr',
    '\tDirectory : C:\\Data\\ASSB\\',
    'Device : VMP3 (SN 0815)',
    'Electrode material : NCM9',
    'Electrolyte : Li6PS5Cl',
    'Comments : 20 µm Li foil, 75 MPa',
    'Electrode surface area : 1.131 cm²',
    'Characteristic mass : 12.500 mg',
    'Cycle Definition : Charge/Discharge alternance',
    'Ns                  0                   1                   ',
    'Set I/C             I                   I                   ',
    'I (mA)              0.500               -0.500              ',
    'EM (V)              4.200               3.000               ',
  ];
}

/**
 * Write an EC-Lab GCPL text export with the columns time/s, Ewe/V, I/mA, cycle number.
 * 1,000,000 rows make about 52 MB (wide: about 150 MB). Written in batches, so any size fits in memory.
 */
export function writeMptGcpl(path: string, rows: number, opts: MptOptions = {}): WrittenMpt {
  const eol = opts.eol ?? '\r\n';
  const comma = !!opts.decimalComma;
  const tail = opts.trailingTab ? '\t' : '';
  const encoding: BufferEncoding = opts.latin1 ? 'latin1' : 'utf8';
  let columnLine = 1;
  const fd = fs.openSync(path, 'w');
  let bytes = 0;
  const put = (s: string): void => {
    const b = Buffer.from(s, encoding);
    fs.writeSync(fd, b);
    bytes += b.length;
  };
  try {
    if (!opts.headerless) {
      const header = mptHeader(0);
      columnLine = header.length + 2; // one blank line, then the column line
      header[1] = `Nb header lines : ${columnLine}                          `;
      put(header.join(eol) + eol + eol);
    }
    put((opts.wide ? WIDE_GCPL_COLUMNS : GCPL_COLUMNS).join('\t') + tail + eol);
    const cellsOf = opts.wide ? wideGcplCells : gcplCells;
    const batch: string[] = [];
    for (let i = 0; i < rows; i++) {
      let line = cellsOf(i, comma).join('\t');
      if (opts.truncateLast && i === rows - 1) {
        const cut = line.indexOf('\t') + 5; // keep "t<TAB>3.12"
        line = line.slice(0, cut);
        batch.push(line);
        break;
      }
      batch.push(line + tail + eol);
      if (batch.length === 20000) { put(batch.join('')); batch.length = 0; }
    }
    put(batch.join(''));
  } finally {
    fs.closeSync(fd);
  }
  return {
    bytes, rows, columnLine,
    row: (i: number) => {
      const cells = cellsOfRow(i, !!opts.wide);
      return { time: Number(cells[0]), ewe: Number(cells[1]), iMa: Number(cells[2]), cycle: Number(cells[3]) };
    },
  };
}

/** time, Ewe, I and cycle of row i, as written (with a decimal point). */
function cellsOfRow(i: number, wide: boolean): string[] {
  if (!wide) return gcplCells(i, false);
  const c = wideGcplCells(i, false);
  return [c[7], c[9], c[10], c[15]];
}

/** Write text in a given encoding (with an optional BOM) and line ends. */
export function writeText(path: string, lines: string[], opts: { eol?: string; encoding?: 'utf8' | 'latin1' | 'utf16le' | 'utf16be'; bom?: boolean } = {}): void {
  const text = lines.join(opts.eol ?? '\n') + (opts.eol ?? '\n');
  const enc = opts.encoding ?? 'utf8';
  let body: Buffer;
  if (enc === 'utf16be') body = Buffer.from(text, 'utf16le').swap16();
  else body = Buffer.from(text, enc);
  const bom = !opts.bom ? Buffer.alloc(0)
    : enc === 'utf8' ? Buffer.from([0xef, 0xbb, 0xbf])
      : enc === 'utf16le' ? Buffer.from([0xff, 0xfe])
        : enc === 'utf16be' ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0);
  fs.writeFileSync(path, Buffer.concat([bom, body]));
}

export interface LandRow {
  index: number;
  testTime: string; // h:mm:ss
  seconds: number;
  cycle: number;
  step: number;
  currentMa: number;
  voltage: number;
  capacityMah: number;
  sysTime: string;
}

/** Row i of the synthetic LAND record: 60 s apart, charge at +0.2 mA then discharge at -0.2 mA. */
export function landRow(i: number): LandRow {
  const seconds = i * 60;
  const half = Math.floor(i / 50);
  const charging = half % 2 === 0;
  const k = i % 50;
  const hh = Math.floor(seconds / 3600), mm = Math.floor((seconds % 3600) / 60), ss = seconds % 60;
  const start = Date.UTC(2024, 2, 14, 9, 30, 0) + seconds * 1000;
  const d = new Date(start);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return {
    index: i + 1,
    testTime: `${hh}:${p2(mm)}:${p2(ss)}`,
    seconds,
    cycle: Math.floor(half / 2) + 1,
    step: charging ? 2 : 3,
    currentMa: charging ? 0.2 : -0.2,
    voltage: Math.round((charging ? 3.0 + 0.024 * k : 4.2 - 0.024 * k) * 1e4) / 1e4,
    capacityMah: Math.round(0.2 * (k * 60) / 3600 * 1e6) / 1e6,
    sysTime: `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
  };
}

export const LAND_HEADERS = ['Index', 'TestTime', 'StepTime', 'Cycle', 'Step', 'Current/mA', 'Voltage/V', 'Capacity/mAh', 'SpeCap/mAh/g', 'Energy/mWh', 'SysTime'];
export const LAND_HEADERS_ZH = ['序号', '测试时间', '步骤时间', '循环', '工步', '电流/mA', '电压/V', '容量/mAh', '比容量/mAh/g', '能量/mWh', '系统时间'];

/**
 * Write a LANDdt-style workbook: a "Cycle" summary sheet first, then "Record" with the data
 * (optionally split over "Record" and "Record1" as LANDdt does for long tests).
 */
export function writeLandXlsx(path: string, rows: number, opts: { chinese?: boolean; splitAt?: number; bookType?: 'xlsx' | 'xls' } = {}): LandRow[] {
  const headers = opts.chinese ? LAND_HEADERS_ZH : LAND_HEADERS;
  const data: LandRow[] = Array.from({ length: rows }, (_, i) => landRow(i));
  const toCells = (r: LandRow): (string | number)[] =>
    [r.index, r.testTime, r.testTime, r.cycle, r.step, r.currentMa, r.voltage, r.capacityMah, r.capacityMah / 0.0125, r.capacityMah * r.voltage, r.sysTime];
  const wb = XLSX.utils.book_new();
  const cycles = XLSX.utils.aoa_to_sheet([['Cycle', 'CapC/mAh', 'CapD/mAh', 'Efficiency/%'], [1, 0.163, 0.161, 98.8]]);
  XLSX.utils.book_append_sheet(wb, cycles, 'Cycle');
  const split = opts.splitAt ?? rows;
  const first = [['LANDdt export', '', 'Channel 3'], headers, ...data.slice(0, split).map(toCells)];
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(first), 'Record');
  if (split < rows) {
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(data.slice(split).map(toCells)), 'Record1');
  }
  XLSX.writeFile(wb, path, { bookType: opts.bookType ?? 'xlsx' });
  return data;
}

/** A workbook from plain rows, one entry per sheet in order. */
export function writeWorkbook(path: string, sheets: Record<string, (string | number)[][]>, bookType: 'xlsx' | 'xls' = 'xlsx'): void {
  const wb = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), name);
  XLSX.writeFile(wb, path, { bookType });
}

/** Bytes that are no text export: a zip-less, NUL-laden blob like an EC-Lab .mpr. */
export function writeBinary(path: string, bytes: number, prefix = 'BIO-LOGIC MODULAR FILE\x1a'): void {
  const b = Buffer.alloc(bytes);
  b.write(prefix, 'latin1');
  let x = 12345;
  for (let i = prefix.length; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >>> 16 & 0xff;
  }
  fs.writeFileSync(path, b);
}
