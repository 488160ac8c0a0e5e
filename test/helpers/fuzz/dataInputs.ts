// Data files for fuzzing the readers: the real fixtures (test/fixtures) and files generated in
// each instrument's layout (test/helpers/dataFiles.ts for EC-Lab and LAND, tables here for the
// delimited exports), damaged by byteMutations.ts. A case is a small recipe (source, damage,
// forced format), so a counterexample is saved as JSON and rebuilt byte for byte on replay.
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { zipSync } from 'fflate';
import { FormatId } from '../../../server/readers/types';
import { writeBinary, writeLandXlsx, writeMptGcpl, writeText, writeWorkbook } from '../dataFiles';
import { rng } from '../traces';
import { applyByteMutations, applyPartMutations, ByteMutation, byteMutations, PartMutation, partMutations, ZIP_TIME } from './byteMutations';

export const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

/** A seeded generator (mulberry32): a table's cells follow from its seed. */
const prng = rng;

// ---------------------------------------------------------------------------------------------
// Delimited tables in each instrument's column names

export const TABLE_HEADERS = {
  csv: [['Time (s)', 'Voltage (V)', 'Current (mA)'], ['time/s', 'Ewe/V', 'I/mA', 'cycle number'], ['Test Time (h)', 'Potential (V)', 'Current (A)', 'Temperature (°C)'],
    ['Voltage (V)', 'Current (mA)', 'Time (h)', 'Capacity (mAh)'], ['t', 'U', 'I']],
  arbin: [['Data_Point', 'Test_Time(s)', 'Step_Time(s)', 'Step_Index', 'Cycle_Index', 'Current(A)', 'Voltage(V)', 'Charge_Capacity(Ah)', 'Discharge_Capacity(Ah)'],
    ['Data_Point', 'Test_Time', 'DateTime', 'Step_Time', 'Step_Index', 'Cycle_Index', 'Current', 'Voltage', 'Charge_Capacity', 'Discharge_Capacity', 'Charge_Energy', 'Discharge_Energy', 'Temperature']],
  neware: [['Record ID', 'Realtime', 'Time(h:min:s.ms)', 'Step ID', 'Cycle ID', 'Current(mA)', 'Voltage(V)', 'Capacitance_Chg(mAh)', 'Capacitance_DChg(mAh)'],
    ['数据序号', '循环号', '工步号', '工步类型', '时间', '总时间', '电流(A)', '电压(V)', '充电容量(Ah)', '放电容量(Ah)', '日期'],
    ['DataPoint', 'Cycle Index', 'Step Index', 'Step Type', 'Time', 'Total Time', 'Current(A)', 'Voltage(V)', 'Capacity(Ah)', 'Chg. Cap.(Ah)', 'DChg. Cap.(Ah)', 'Date']],
  land: [['Index', 'TestTime/Sec', 'StepTime/Sec', 'Cycle-Index', 'Step-Index', 'Current/mA', 'Voltage/V', 'Capacity/mAh', 'SysTime'],
    ['Index', 'TestTime', 'StepTime', 'Cycle', 'Step', 'Current/mA', 'Voltage/V', 'Capacity/mAh', 'SpeCap/mAh/g', 'Energy/mWh', 'SysTime']],
  maccor: [['Rec#', 'Cyc#', 'Step', 'Test (Min)', 'Step (Min)', 'Amp-hr', 'Watt-hr', 'Amps', 'Volts', 'State', 'ES', 'DPt Time']],
  'eis-csv': [['Freq', 'Real', 'Imag'], ['Frequency (Hz)', 'Zreal (Ohm)', 'Zimg (Ohm)'], ['freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm', '|Z|/Ohm', 'Phase(Z)/deg'], []],
} as const;
export type TableFamily = keyof typeof TABLE_HEADERS;

const PREAMBLES: Partial<Record<TableFamily, string>> = {
  maccor: "Today's Date 01/15/2025  Date of Test:\t01/15/2025\t Filename:\tC:\\Data\\EX-1.001 Procedure: cc 2.0-4.8V\tComment/Barcode: cell 7",
};
const JUNK = ['', 'NaN', 'n/a', '-', '3.3O', '1e999', '--5', '"x"', '1,5', 'inf', '∞', '00:61:00', '2024-02-30 25:00:00', '\u00b5', ' '];
const STATES = ['R', 'C', 'D', 'S', 'CC Chg', 'CC DChg', 'CV Chg', 'Rest', '恒流充电', '恒流放电', '搁置', 'O'];

export interface TableRecipe {
  family: TableFamily;
  header: number;
  rows: number;
  seed: number;
  sep: ',' | '\t' | ';' | ' ';
  decimalComma: boolean;
  eol: '\n' | '\r\n' | '\r';
  encoding: 'utf8' | 'latin1' | 'utf16le' | 'utf16be';
  bom: boolean;
  /** Share of cells replaced by junk. */
  junk: number;
  preamble: boolean;
}

function cell(header: string, i: number, rnd: () => number, comma: boolean): string {
  const t0 = Date.UTC(2024, 2, 14, 9, 30, 0) + i * 60_000;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const num = (x: number) => (comma ? String(x).replace('.', ',') : String(x));
  if (/date|realtime|systime|日期|DPt Time/i.test(header)) {
    const d = new Date(t0);
    return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  }
  if (/state|step type|工步类型/i.test(header)) return STATES[Math.floor(rnd() * STATES.length)];
  if (/^(time|时间|总时间|total time|testtime|steptime)$|h:min/i.test(header)) return `${Math.floor(i / 60)}:${p2(i % 60)}:${p2(Math.floor(rnd() * 60))}`;
  if (/cyc|循环|step|工步|index|#|序号|record|point|ES/i.test(header)) return String(Math.floor(i / 50) + (rnd() < 0.05 ? 1 : 0));
  if (/freq/i.test(header)) return num(1e6 * Math.pow(10, -i / 8));
  if (/time|test|min|sec|\(s\)|\/s|^t$/i.test(header)) return num(i * 10 + Math.round(rnd() * 100) / 100);
  if (/volt|ewe|potential|电压|^U$/i.test(header)) return num(Math.round((3 + rnd()) * 1e4) / 1e4);
  if (/curr|amps|^I$|I\/mA|电流/i.test(header)) return num(Math.round((rnd() - 0.5) * 1e4) / 1e4);
  return num(Math.round(rnd() * 1e6) / 1e3 * (rnd() < 0.1 ? -1 : 1));
}

function tableLines(r: TableRecipe): string[] {
  const headers = TABLE_HEADERS[r.family];
  const header = headers[r.header % headers.length] as readonly string[];
  const rnd = prng(r.seed);
  const cols = header.length || 3;
  const names = header.length ? header : ['freq', 'Re', 'Im'];
  const sep = r.decimalComma && r.sep === ',' ? ';' : r.sep;
  const lines: string[] = [];
  if (r.preamble && PREAMBLES[r.family]) lines.push(PREAMBLES[r.family]!);
  if (header.length) lines.push(header.join(sep));
  for (let i = 0; i < r.rows; i++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) cells.push(rnd() < r.junk ? JUNK[Math.floor(rnd() * JUNK.length)] : cell(names[c], i, rnd, r.decimalComma));
    lines.push(cells.join(sep));
  }
  return lines;
}

export const tableRecipe = (family: TableFamily): fc.Arbitrary<TableRecipe> => fc.record({
  family: fc.constant(family),
  header: fc.nat({ max: 8 }),
  rows: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 6, max: 300 })),
  seed: fc.nat(),
  sep: fc.constantFrom(...(family === 'csv' || family === 'eis-csv' ? [',', '\t', ';', ' '] as const : family === 'arbin' || family === 'neware' ? [',', '\t'] as const : ['\t', ','] as const)),
  decimalComma: fc.boolean(),
  eol: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
  encoding: fc.constantFrom('utf8' as const, 'utf8' as const, 'latin1' as const, 'utf16le' as const, 'utf16be' as const),
  bom: fc.boolean(),
  junk: fc.constantFrom(0, 0, 0.01, 0.2),
  preamble: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------
// Sources and cases

export type Source =
  | { fixture: string }
  | { table: TableRecipe }
  | { mpt: { rows: number; decimalComma: boolean; eol: '\r\n' | '\n' | '\r'; latin1: boolean; headerless: boolean; trailingTab: boolean; truncateLast: boolean } }
  | { land: { rows: number; chinese: boolean; splitAt?: number; bookType: 'xlsx' | 'xls' } }
  | { workbook: { tables: TableRecipe[]; notes: boolean; bookType: 'xlsx' | 'xls' } }
  | { junk: { magic: 'mpr' | 'nda' | 'ndax'; bytes: number } }
  /** The bytes of a case as they were made (see freezeCase), and the extension of its file. */
  | { raw: Uint8Array; ext: string };

export interface DataCase {
  source: Source;
  /** Zip parts damaged first (xlsx, .ndax), then the bytes. */
  parts?: PartMutation[];
  bytes: ByteMutation[];
  /** The spec's `format`, when the case forces one. */
  format?: FormatId;
  /** Binary formats: read through readDataFile (detection by magic, a file on disk) instead of the parser on the bytes. */
  viaFile?: boolean;
}

/** Set by a campaign to a directory it removes at its end (a terminated worker runs no exit handler). */
export const SCRATCH_ENV = 'CELLSPEC_FUZZ_SCRATCH';

let scratch: string | undefined;
/** A directory of this thread for generated and damaged files, removed when it exits. */
export function scratchDir(): string {
  if (!scratch) {
    const base = process.env[SCRATCH_ENV] ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
    scratch = fs.mkdtempSync(path.join(base, 'cellspec-fuzz-'));
    const dir = scratch;
    process.on('exit', () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ } });
  }
  return scratch;
}

const fixtureCache = new Map<string, Uint8Array>();
let serial = 0;

/** The bytes a file-writing generator writes. */
function written(ext: string, write: (p: string) => void): Uint8Array {
  const p = path.join(scratchDir(), `gen-${process.pid}-${serial++}${ext}`);
  try {
    write(p);
    return fs.readFileSync(p);
  } finally {
    fs.rmSync(p, { force: true });
  }
}

/** The bytes of a source, before damage. */
export function sourceBytes(s: Source): Uint8Array {
  if ('raw' in s) return s.raw;
  if ('fixture' in s) {
    let b = fixtureCache.get(s.fixture);
    if (!b) { b = fs.readFileSync(path.join(FIXTURES, s.fixture)); fixtureCache.set(s.fixture, b); }
    return b;
  }
  if ('table' in s) {
    const r = s.table;
    return written('.txt', (p) => writeText(p, tableLines(r), { eol: r.eol, encoding: r.encoding, bom: r.bom }));
  }
  if ('mpt' in s) return written('.mpt', (p) => writeMptGcpl(p, s.mpt.rows, s.mpt));
  if ('land' in s) return written(`.${s.land.bookType}`, (p) => writeLandXlsx(p, s.land.rows, s.land));
  if ('workbook' in s) {
    const sheets: Record<string, (string | number)[][]> = {};
    if (s.workbook.notes) sheets.Notes = [['Channel', '5-3'], ['Active material', '12.5 mg']];
    s.workbook.tables.forEach((t, k) => {
      sheets[`record${k || ''}`] = tableLines({ ...t, sep: '\t', decimalComma: false }).map((l) => l.split('\t').map((c) => (c !== '' && Number.isFinite(Number(c)) ? Number(c) : c)));
    });
    return written(`.${s.workbook.bookType}`, (p) => writeWorkbook(p, sheets, s.workbook.bookType));
  }
  const j = s.junk;
  if (j.magic === 'ndax') {
    const body = Uint8Array.from({ length: j.bytes }, (_, i) => (i * 2654435761) >>> 24);
    return zipSync({ 'VersionInfo.xml': Buffer.from('<?xml version="1.0"?><config><ZwjVersion SvrVer="8.0.0.1"/></config>'), 'data.ndc': body, 'TestInfo.xml': body.subarray(0, 100) }, { mtime: ZIP_TIME });
  }
  return written('.bin', (p) => writeBinary(p, Math.max(j.bytes, 32), j.magic === 'mpr' ? 'BIO-LOGIC MODULAR FILE\x1a' : 'NEWARE'));
}

/** The bytes of a case: its source, zip parts damaged, then the bytes. */
export function caseBytes(c: DataCase): Uint8Array {
  let b = sourceBytes(c.source);
  if (c.parts?.length) b = applyPartMutations(b, c.parts);
  return applyByteMutations(b, c.bytes);
}

/** A frozen case is kept as its bytes up to this size (larger ones as their recipe). */
export const MAX_FROZEN_BYTES = 256 * 1024;

/**
 * The case as its bytes, so that a finding replays byte for byte whatever the generators become
 * (SheetJS stamps a workbook it writes with the clock's time). A large case stays a recipe.
 */
export function freezeCase(c: DataCase): DataCase {
  if ('raw' in c.source || ('fixture' in c.source && !c.parts)) return c; // a fixture damaged by byte mutations is already exact
  const raw = caseBytes(c);
  if (raw.length > MAX_FROZEN_BYTES) return c;
  const out: DataCase = { source: { raw, ext: extensionOf(c) }, bytes: [] };
  if (c.format) out.format = c.format;
  if (c.viaFile) out.viaFile = true;
  return out;
}

/** A case: a source, a little or a lot of damage (none at times: the clean file must read too), a forced format at times. */
export function dataCase(sources: fc.Arbitrary<Source>, opts: { zip?: boolean; formats?: FormatId[]; viaFile?: boolean } = {}): fc.Arbitrary<DataCase> {
  return fc.record({
    source: sources,
    parts: opts.zip ? fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: partMutations }) : fc.constant(undefined),
    bytes: fc.oneof({ weight: 1, arbitrary: fc.constant([] as ByteMutation[]) }, { weight: 6, arbitrary: byteMutations }),
    format: opts.formats?.length ? fc.option(fc.constantFrom(...opts.formats), { nil: undefined, freq: 6 }) : fc.constant(undefined),
    viaFile: opts.viaFile ? fc.boolean() : fc.constant(undefined),
  }, { requiredKeys: ['source', 'bytes'] }).map((c) => {
    const out: DataCase = { source: c.source, bytes: c.bytes };
    if (c.parts) out.parts = c.parts;
    if (c.format) out.format = c.format;
    if (c.viaFile) out.viaFile = true;
    return out;
  });
}

export const fixtureSource = (...names: string[]) => fc.constantFrom(...names).map((fixture): Source => ({ fixture }));
export const tableSource = (family: TableFamily) => tableRecipe(family).map((table): Source => ({ table }));
export const mptSource = fc.record({
  rows: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 400 })), decimalComma: fc.boolean(), eol: fc.constantFrom('\r\n' as const, '\n' as const, '\r' as const),
  latin1: fc.boolean(), headerless: fc.boolean(), trailingTab: fc.boolean(), truncateLast: fc.boolean(),
}).map((mpt): Source => ({ mpt }));
export const workbookSource = fc.oneof(
  fc.record({ rows: fc.integer({ min: 0, max: 150 }), chinese: fc.boolean(), splitAt: fc.option(fc.nat({ max: 150 }), { nil: undefined }), bookType: fc.constantFrom('xlsx' as const, 'xls' as const) })
    .map((land): Source => ({ land: land.splitAt === undefined ? { rows: land.rows, chinese: land.chinese, bookType: land.bookType } : land })),
  fc.record({ tables: fc.array(fc.oneof(tableRecipe('neware'), tableRecipe('land'), tableRecipe('arbin'), tableRecipe('csv')), { minLength: 1, maxLength: 2 }), notes: fc.boolean(), bookType: fc.constantFrom('xlsx' as const, 'xls' as const) })
    .map((workbook): Source => ({ workbook })),
);
export const junkSource = (magic: 'mpr' | 'nda' | 'ndax') => fc.integer({ min: 0, max: 20000 }).map((bytes): Source => ({ junk: { magic, bytes } }));

/** The file name a case is written under (the extension is the user's, detection is by content). */
export function extensionOf(c: DataCase): string {
  const s = c.source;
  if ('raw' in s) return s.ext;
  if ('fixture' in s) return path.extname(s.fixture) || '.txt';
  if ('mpt' in s) return '.mpt';
  if ('land' in s) return `.${s.land.bookType}`;
  if ('workbook' in s) return `.${s.workbook.bookType}`;
  if ('junk' in s) return s.junk.magic === 'mpr' ? '.mpr' : s.junk.magic === 'nda' ? '.nda' : '.ndax';
  return s.table.sep === '\t' ? '.tsv' : '.csv';
}
