// Arbin MITS Pro result files (.res): a Microsoft Access (Jet 4) database, opened with mdb-reader.
// The tables (as cellpy's arbin_res loader and galvani's res2sqlite know them):
//   Global_Table           one row per test: Test_ID, Test_Name, Channel_Index, Start_DateTime (OLE
//                          date), Schedule_File_Name, Software_Version, MASS (g), ...
//   Channel_Normal_Table   one row per data point of every test: Test_ID, Data_Point, Test_Time,
//                          Step_Time (s), DateTime (OLE date), Step_Index, Cycle_Index, Current (A),
//                          Voltage (V), Charge/Discharge_Capacity (Ah), Charge/Discharge_Energy (Wh), ...
//   Auxiliary_Table        aux inputs per data point: Test_ID, Data_Point, Auxiliary_Index, Data_Type
//                          (0 voltage, 1 temperature), X, dX_dt; Aux_Global_Data_Table names them
//                          (Channel_Index, Auxiliary_Index, Data_Type, Nickname, Unit).
//   Version_Table          "Results File 5.26" and the like.
// Rows are not always stored in Data_Point order, so each test's rows are sorted here.
// mdb-reader throws arbitrary errors on damaged files and can loop on a cycle of table-definition
// pages: the bytes are checked for that first, and every call into it is translated to a DataError.
import type MDBReader from 'mdb-reader';
import { isJetDatabase } from './magic';
import { checkAborted, readAllBytes } from './text';
import { Column, ColumnKind, DataError, DataProblem, DataTable, ReadOptions } from './types';

/** What the reader needs of a database; `openJet` gives it for a .res file, tests may fake it. */
export interface ResDatabase {
  tableNames(): string[];
  /** Columns in table order, with mdb-reader's type names (long, double, text, memo, ...). */
  columns(table: string): { name: string; type: string }[];
  /** Rows the table definition declares. */
  rowCount(table: string): number;
  /** Rows `offset` .. `offset + limit - 1` in storage order, only the named columns. */
  rows(table: string, columns: string[], offset: number, limit: number): Record<string, unknown>[];
}

const NORMAL = 'Channel_Normal_Table';
const GLOBAL = 'Global_Table';
const AUX = 'Auxiliary_Table';
const AUX_GLOBAL = 'Aux_Global_Data_Table';
const VERSION = 'Version_Table';
/** Rows fetched per mdb-reader call: bounds the row objects alive at once. */
const CHUNK_ROWS = 65536;
/** Days from the OLE Automation epoch (1899-12-30) to 1970-01-01. */
const OLE_EPOCH_DAYS = 25569;
const SECONDS_PER_DAY = 86400;
/** Column types mdb-reader decodes to numbers (or Date/boolean/bigint/numeric strings). Memo, OLE
 *  and binary are left out: their long-value chains are where a damaged file could loop. */
const NUMERIC_TYPES = new Set(['byte', 'integer', 'long', 'float', 'double', 'currency', 'numeric', 'bigint', 'boolean', 'datetime']);
const SCALAR_TYPES = new Set([...NUMERIC_TYPES, 'text']);

/** Arbin's data-point columns we give a kind; the rest are kept as 'other' under their own name. */
const KNOWN_COLUMNS: Record<string, { kind: ColumnKind; unit: string; factor: number }> = {
  data_point: { kind: 'index', unit: '', factor: 1 },
  test_time: { kind: 'time', unit: 's', factor: 1 },
  step_time: { kind: 'stepTime', unit: 's', factor: 1 },
  datetime: { kind: 'dateTime', unit: 'OLE date (days since 1899-12-30, tester local time)', factor: 1 },
  step_index: { kind: 'step', unit: '', factor: 1 },
  cycle_index: { kind: 'cycle', unit: '', factor: 1 },
  current: { kind: 'current', unit: 'A', factor: 1 },
  voltage: { kind: 'voltage', unit: 'V', factor: 1 },
  charge_capacity: { kind: 'chargeCapacity', unit: 'Ah', factor: 3600 },
  discharge_capacity: { kind: 'dischargeCapacity', unit: 'Ah', factor: 3600 },
  charge_energy: { kind: 'chargeEnergy', unit: 'Wh', factor: 3600 },
  discharge_energy: { kind: 'dischargeEnergy', unit: 'Wh', factor: 3600 },
};
/** Units of Arbin's other columns, for the record (their values are kept as stored). */
const OTHER_UNITS: Record<string, string> = {
  'dv/dt': 'V/s', internal_resistance: 'Ω', ac_impedance: 'Ω', reference_ac_impedance: 'Ω',
  sub_step_time: 's', reference_voltage: 'V', frequency: 'Hz',
};

/**
 * Read one test of an Arbin .res file into SI columns, its rows in Data_Point order. A file of
 * several tests gives the one `options.channel` names (a Test_ID, a test name or "CH<channel
 * index>"), else the first, with a warning naming the others. Damage is a DataError (line 0).
 */
export async function readArbinRes(file: string, options: ReadOptions = {}): Promise<DataTable> {
  const bytes = await readAllBytes(file, options);
  checkAborted(options.signal);
  return parseArbinRes(bytes, file, options);
}

/** Read the bytes of a .res file (a pure function of them; `options.channel` picks the test). */
export function parseArbinRes(bytes: Buffer, file: string, options: ReadOptions = {}): DataTable {
  return readArbinDatabase(openJet(bytes, file), file, options);
}

// ---------------------------------------------------------------------------------------------
// The container: a Jet database, checked before mdb-reader sees it.

// mdb-reader (with its XML parser) is loaded when a .res file is opened, not at every start of the
// CLI or the language server (scripts/build.mjs keeps it in a file of its own, dist/vendor/).
let mdbReader: typeof MDBReader | undefined;
function loadMdbReader(): typeof MDBReader {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (mdbReader ??= (require('mdb-reader') as { default: typeof MDBReader }).default);
}

/** Open the bytes with mdb-reader behind the ResDatabase interface, every failure a DataError. */
export function openJet(bytes: Buffer, file: string): ResDatabase {
  const pageSize = checkJetContainer(bytes, file);
  const fail = (what: string, e: unknown): DataError => damaged(file, bytes.length, pageSize, what, e);
  let reader: MDBReader;
  try {
    reader = new (loadMdbReader())(bytes);
  } catch (e) {
    throw fail('reading the table catalog (MSysObjects)', e);
  }
  const tables = new Map<string, ReturnType<MDBReader['getTable']>>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) {
      try {
        t = reader.getTable(name);
      } catch (e) {
        throw fail(`opening ${name}`, e);
      }
      tables.set(name, t);
    }
    return t;
  };
  return {
    tableNames: () => {
      try {
        return reader.getTableNames();
      } catch (e) {
        throw fail('listing the tables', e);
      }
    },
    columns: (name) => {
      try {
        return table(name).getColumns().map((c) => ({ name: c.name, type: String(c.type) }));
      } catch (e) {
        throw fail(`reading the columns of ${name}`, e);
      }
    },
    rowCount: (name) => table(name).rowCount,
    rows: (name, columns, offset, limit) => {
      try {
        return table(name).getData({ columns, rowOffset: offset, rowLimit: limit });
      } catch (e) {
        throw fail(`reading ${name} rows ${offset + 1}-${offset + limit}`, e);
      }
    },
  };
}


/** Check the Jet header and page structure; returns the page size. */
function checkJetContainer(bytes: Buffer, file: string): number {
  if (!isJetDatabase(bytes)) {
    throw new DataError(file, 0, `not an Arbin .res file: ${whatItIs(bytes)}, not a Microsoft Access (Jet) database`);
  }
  if (bytes.length < 0x80) throw new DataError(file, 0, `the database is truncated: only ${bytes.length} bytes, less than its header`);
  const pageSize = bytes[0x14] === 0 ? 2048 : 4096; // Jet 3 (Access 97) pages are 2 KiB, later ones 4 KiB
  if (bytes.length % pageSize !== 0 || bytes.length < 3 * pageSize) {
    const whole = Math.floor(bytes.length / pageSize);
    throw new DataError(file, 0, `the database is truncated: its ${bytes.length} bytes end inside page ${whole} `
      + `(byte offset ${whole * pageSize}; a complete file is a whole number of ${pageSize}-byte pages). `
      + 'Was it copied while the test was still running?');
  }
  checkDefinitionChains(bytes, pageSize, file);
  return pageSize;
}

/**
 * A table definition spans pages chained by the u32 at offset 4 of each; mdb-reader follows the
 * chain until it reaches 0, so a damaged pointer back into the chain would make it loop forever.
 */
function checkDefinitionChains(bytes: Buffer, pageSize: number, file: string): void {
  const pages = bytes.length / pageSize;
  const state = new Uint8Array(pages); // 0 not seen, 1 on the chain being walked, 2 done
  const path: number[] = [];
  for (let start = 1; start < pages; start++) {
    if (state[start] !== 0 || bytes[start * pageSize] !== 2) continue;
    path.length = 0;
    let p = start;
    while (p > 0 && p < pages && state[p] === 0 && bytes[p * pageSize] === 2) {
      state[p] = 1;
      path.push(p);
      p = bytes.readUInt32LE(p * pageSize + 4);
    }
    if (p > 0 && p < pages && state[p] === 1) {
      throw new DataError(file, 0, `the database is damaged: the table definition on page ${path[0]} continues in a loop `
        + `back to page ${p} (byte offset ${p * pageSize})`);
    }
    for (const q of path) state[q] = 2;
  }
}

/** What a file that is not a Jet database looks like, for the message. */
function whatItIs(b: Buffer): string {
  const start = b.toString('latin1', 0, Math.min(b.length, 16));
  if (b.length === 0) return 'the file is empty';
  if (start.startsWith('SQLite format 3')) return 'it is an SQLite database';
  if (start.startsWith('PK\x03\x04')) return 'it is a zip container (an .xlsx export or .ndax?)';
  if (b.length >= 4 && b.readUInt32BE(0) === 0xd0cf11e0) return 'it is an OLE2 compound file (an .xls workbook?)';
  const head = b.subarray(0, Math.min(b.length, 512));
  let text = 0;
  for (const c of head) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128) text++;
  if (text === head.length) {
    const words = head.toString('latin1').replace(/\s+/g, ' ').trim().slice(0, 60);
    return `it is a text file (starting '${words}')`;
  }
  return `its first bytes are ${[...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`;
}

/** mdb-reader's errors, said in terms of the file. */
function damaged(file: string, size: number, pageSize: number, what: string, e: unknown): DataError {
  if (e instanceof DataError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const page = /Page (\d+) does not exist/.exec(msg);
  if (page) {
    const n = Number(page[1]);
    return new DataError(file, 0, `the database is truncated or damaged: ${what} needs page ${n} (byte offset ${n * pageSize}), `
      + `past the end of the file (${size} bytes)`);
  }
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = e instanceof RangeError || code === 'ERR_OUT_OF_RANGE' || code === 'ERR_BUFFER_OUT_OF_BOUNDS'
    ? 'a record or pointer lies outside its page'
    : /Wrong page type/.test(msg) ? 'a page pointer leads to a page of the wrong kind'
      : /does not belong to table/.test(msg) ? 'a data page listed for the table belongs to another table'
        : /usage map/i.test(msg) ? "the table's page map is unreadable"
          : /password|decrypt|cipher|encrypt/i.test(msg) ? 'the database looks encrypted or its header is damaged'
            : 'its structure is not as Access writes it';
  return new DataError(file, 0, `the database is damaged: ${what} failed, ${why} (mdb-reader: ${msg.slice(0, 160)})`);
}

// ---------------------------------------------------------------------------------------------
// Arbin's tables.

interface TestInfo {
  id: number;
  name?: string;
  channelIndex?: number;
  points: number;
  global?: Record<string, unknown>;
}

/** A column of Channel_Normal_Table as we read it. */
interface Field {
  name: string;
  kind: ColumnKind;
  sourceUnit: string;
  factor: number;
  /** OLE days (a double) to s since 1970. */
  oleDate: boolean;
}

/** The core of the reader: Arbin's tables into one test's SI columns. */
export function readArbinDatabase(db: ResDatabase, file: string, options: ReadOptions = {}): DataTable {
  checkAborted(options.signal);
  const problems: DataProblem[] = [];
  const warn = (message: string): void => { problems.push({ line: 0, message, severity: 'warning' }); };
  const names = db.tableNames();
  const find = (wanted: string): string | undefined =>
    names.find((n) => n === wanted) ?? names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  const normalName = find(NORMAL);
  if (!normalName) {
    const list = names.slice(0, 12).join(', ') + (names.length > 12 ? ', ...' : '');
    throw new DataError(file, 0, `an Access database, but not an Arbin result file: it has no ${NORMAL} `
      + `(the table of data points); its tables: ${list || 'none'}`);
  }
  const globalName = find(GLOBAL);
  const globals = globalName ? readSmallTable(db, globalName) : [];
  if (!globalName) warn(`the file has no ${GLOBAL}: test names, start time and schedule are unknown`);

  const normal = readNormalTable(db, normalName, file, warn);
  const tests = listTests(globals, normal.testIds, normal.rows);
  const test = chooseTest(tests, options.channel, file, warn);
  const order = rowsOfTest(normal.testIds, normal.rows, test.id, normal.dataPoint >= 0 ? normal.values[normal.dataPoint] : undefined, warn);
  const columns = normal.fields.map((f, c) => gather(f, normal.values[c], order));

  const auxName = find(AUX);
  if (auxName && db.rowCount(auxName) > 0) {
    const dp = normal.dataPoint >= 0 ? columns[normal.dataPoint].values : undefined;
    const auxGlobalName = find(AUX_GLOBAL);
    const auxGlobal = auxGlobalName ? readSmallTable(db, auxGlobalName) : [];
    columns.push(...readAux(db, auxName, auxGlobal, test, dp, order.length, warn));
  }

  const meta = testMeta(test, tests.length);
  const versionName = find(VERSION);
  if (versionName) {
    const v = readSmallTable(db, versionName)[0];
    const text = textOf(fieldOf(v, 'Version_Schema_Field')) || textOf(fieldOf(v, 'Version_Comments_Field'));
    if (text) meta.resultsFileVersion = text;
  }
  if (tests.length > 1 && !options.channel?.trim()) warn(otherTestsMessage(tests, test));
  return {
    file,
    format: 'arbin-res',
    rows: order.length,
    columns,
    lineOfRow: () => 0,
    meta,
    problems,
  };
}

/** A table of a few rows (Global_Table, Version_Table, Aux_Global_Data_Table): scalar columns only. */
function readSmallTable(db: ResDatabase, name: string): Record<string, unknown>[] {
  const cols = db.columns(name).filter((c) => SCALAR_TYPES.has(c.type)).map((c) => c.name);
  const n = Math.min(db.rowCount(name), 100000);
  return cols.length && n > 0 ? db.rows(name, cols, 0, n) : [];
}

interface NormalData {
  fields: Field[];
  values: Float64Array[];
  testIds: Float64Array | undefined;
  rows: number;
  /** Position of Data_Point in `fields`, -1 when the table has none. */
  dataPoint: number;
}

/** Channel_Normal_Table in chunks, every numeric column into a Float64Array (all tests). */
function readNormalTable(db: ResDatabase, name: string, file: string, warn: (m: string) => void): NormalData {
  const all = db.columns(name);
  const testCol = all.find((c) => c.name.toLowerCase() === 'test_id');
  const fields: Field[] = [];
  const skipped: string[] = [];
  for (const c of all) {
    if (c === testCol) continue;
    if (!NUMERIC_TYPES.has(c.type)) { skipped.push(`${c.name} (${c.type})`); continue; }
    const key = c.name.toLowerCase();
    const known = KNOWN_COLUMNS[key];
    if (known && !fields.some((f) => f.kind === known.kind)) {
      const oleDate = known.kind === 'dateTime' && c.type !== 'datetime';
      fields.push({ name: c.name, kind: known.kind, sourceUnit: c.type === 'datetime' ? 'date' : known.unit, factor: known.factor, oleDate });
    } else {
      fields.push({ name: c.name, kind: 'other', sourceUnit: OTHER_UNITS[key] ?? '', factor: 1, oleDate: false });
    }
  }
  if (skipped.length) warn(`${name}: columns that are not numbers were left out: ${skipped.join(', ')}`);
  if (!fields.some((f) => f.kind === 'time' || f.kind === 'voltage' || f.kind === 'current')) {
    throw new DataError(file, 0, `${name} has none of Arbin's Test_Time, Voltage or Current columns; its columns: `
      + all.map((c) => c.name).join(', '));
  }
  const declared = db.rowCount(name);
  const names = fields.map((f) => f.name);
  if (testCol) names.push(testCol.name);
  // Sized by the declared count up to a bound (a damaged count must not allocate gigabytes); grows beyond.
  const store = new Growable(names.length, Math.min(declared, 1 << 20));
  for (let offset = 0; offset < declared; offset += CHUNK_ROWS) {
    const want = Math.min(CHUNK_ROWS, declared - offset);
    const chunk = db.rows(name, names, offset, want);
    store.append(chunk, names);
    if (chunk.length < want) break;
  }
  if (store.rows !== declared) warn(`${name}: its definition declares ${declared} rows, ${store.rows} were found`);
  const values = store.columns();
  return {
    fields,
    values: values.slice(0, fields.length),
    testIds: testCol ? values[fields.length] : undefined,
    rows: store.rows,
    dataPoint: fields.findIndex((f) => f.kind === 'index'),
  };
}

/** Growable Float64Array columns, filled a chunk of mdb-reader's row objects at a time. */
class Growable {
  rows = 0;
  private bufs: Float64Array[];
  constructor(n: number, capacity: number) {
    this.bufs = Array.from({ length: n }, () => new Float64Array(Math.max(16, capacity)));
  }
  /** Column by column: one property name per inner loop keeps the lookups fast. */
  append(chunk: Record<string, unknown>[], names: string[]): void {
    const need = this.rows + chunk.length;
    let cap = this.bufs[0]?.length ?? 0;
    if (need > cap) {
      while (cap < need) cap *= 2;
      this.bufs = this.bufs.map((b) => { const g = new Float64Array(cap); g.set(b.subarray(0, this.rows)); return g; });
    }
    for (let c = 0; c < names.length; c++) {
      const buf = this.bufs[c], key = names[c];
      for (let r = 0, k = this.rows; r < chunk.length; r++, k++) buf[k] = numberOf(chunk[r][key]);
    }
    this.rows = need;
  }
  columns(): Float64Array[] {
    return this.bufs.map((b) => b.subarray(0, this.rows));
  }
}

/** A value from mdb-reader as a number (NaN for null or text). */
function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime() / 1000; // mdb-reader reads the wall clock as UTC
  if (typeof v === 'string') return v.trim() === '' ? NaN : Number(v); // currency and numeric
  return NaN;
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** The tests of the file: Global_Table's rows, plus any Test_ID that only the data points name. */
function listTests(globals: Record<string, unknown>[], testIds: Float64Array | undefined, rows: number): TestInfo[] {
  const counts = new Map<number, number>();
  if (testIds) {
    let last = NaN, lastCount = 0;
    for (let i = 0; i < rows; i++) {
      const id = testIds[i];
      if (id !== last) {
        if (last === last) counts.set(last, lastCount);
        last = id;
        lastCount = counts.get(id) ?? 0;
      }
      lastCount++;
    }
    if (last === last) counts.set(last, lastCount);
  }
  const tests: TestInfo[] = [];
  for (const g of globals) {
    const id = numberOf(g.Test_ID);
    if (!Number.isFinite(id) || tests.some((t) => t.id === id)) continue;
    const channel = numberOf(g.Channel_Index);
    tests.push({ id, name: textOf(g.Test_Name) || undefined, channelIndex: Number.isFinite(channel) ? channel : undefined, points: 0, global: g });
  }
  // No Test_ID column: every row is the one test there is.
  if (!testIds) {
    if (!tests.length) tests.push({ id: NaN, points: 0 });
    tests[0].points = rows;
    return tests;
  }
  for (const [id, n] of counts) {
    const t = tests.find((x) => x.id === id);
    if (t) t.points = n;
    else tests.push({ id, points: n });
  }
  const withoutId = rows - [...counts.values()].reduce((a, b) => a + b, 0);
  if (withoutId > 0 && !tests.length) tests.push({ id: NaN, points: withoutId });
  return tests.sort((a, b) => a.id - b.id);
}

function describeTest(t: TestInfo): string {
  const id = Number.isFinite(t.id) ? `Test_ID ${t.id}` : 'the test';
  const name = t.name ? ` "${t.name}"` : '';
  const where = [t.channelIndex !== undefined ? `channel index ${t.channelIndex}` : '', `${t.points.toLocaleString('en-US')} points`].filter(Boolean).join(', ');
  return `${id}${name} (${where})`;
}

const CHOOSE_HOW = 'set the run\'s channel to its Test_ID (channel: 2), its test name, or its channel index as CH<n> (channel: "CH3")';

/**
 * Which test to read. `channel` names it by Test_ID ("2", "test 2"), by test name (as MITS Pro
 * shows it), or by Global_Table's Channel_Index ("CH3", "channel 3"); a plain number is a Test_ID
 * first, then a channel index. Without it: the first test (lowest Test_ID) that has data points.
 */
function chooseTest(tests: TestInfo[], channel: string | undefined, file: string, warn: (m: string) => void): TestInfo {
  const list = tests.map(describeTest).join('; ');
  if (channel === undefined || channel.trim() === '') {
    const first = tests.find((t) => t.points > 0);
    if (!first) throw new DataError(file, 0, `the file holds no data points (${NORMAL} is empty)${tests.length ? `; tests: ${list}` : ''}`);
    return first;
  }
  const want = channel.trim();
  const byId = /^(?:test(?:[ _]?id)?|id)\s*[:#=]?\s*(\d+)$/i.exec(want);
  const byChannel = /^(?:ch|channel(?:[ _]?index)?)\s*[:#=]?\s*(\d+)$/i.exec(want);
  let matches: TestInfo[];
  let how: string;
  if (byId) { matches = tests.filter((t) => t.id === Number(byId[1])); how = 'Test_ID'; }
  else if (byChannel) { matches = tests.filter((t) => t.channelIndex === Number(byChannel[1])); how = 'channel index'; }
  else {
    const asNumber = /^\d+$/.test(want) ? Number(want) : NaN;
    matches = tests.filter((t) => t.id === asNumber);
    how = 'Test_ID';
    if (!matches.length) { matches = tests.filter((t) => t.name?.toLowerCase() === want.toLowerCase()); how = 'test name'; }
    if (!matches.length) { matches = tests.filter((t) => t.channelIndex === asNumber); how = 'channel index'; }
    else if (how === 'Test_ID' && tests.some((t) => t.channelIndex === asNumber && t !== matches[0])) {
      warn(`channel "${want}" was read as Test_ID ${asNumber}; for the test on channel index ${asNumber} write "CH${asNumber}"`);
    }
  }
  if (!matches.length) {
    throw new DataError(file, 0, `no test "${want}" in this file; it holds ${list}. To choose one, ${CHOOSE_HOW}`);
  }
  if (matches.length > 1) {
    warn(`${matches.length} tests match ${how} "${want}" (${matches.map(describeTest).join('; ')}); read the first. To choose another, ${CHOOSE_HOW}`);
  }
  const t = matches[0];
  if (t.points === 0) throw new DataError(file, 0, `${describeTest(t)} has no data points in ${NORMAL}; the file holds ${list}`);
  return t;
}

function otherTestsMessage(tests: TestInfo[], read: TestInfo): string {
  const others = tests.filter((t) => t !== read).map(describeTest).join('; ');
  return `this file holds ${tests.length} tests; read ${describeTest(read)}. The others: ${others}. To read another, ${CHOOSE_HOW}`;
}


/** Row numbers of one test in Data_Point order (stable: equal points keep their storage order). */
function rowsOfTest(testIds: Float64Array | undefined, rows: number, id: number, dataPoints: Float64Array | undefined,
  warn: (m: string) => void): Uint32Array {
  const mine = (i: number): boolean => !testIds || (Number.isFinite(id) ? testIds[i] === id : testIds[i] !== testIds[i]);
  let k = 0;
  for (let i = 0; i < rows; i++) if (mine(i)) k++;
  const order = new Uint32Array(k);
  k = 0;
  for (let i = 0; i < rows; i++) if (mine(i)) order[k++] = i;
  if (!dataPoints) {
    warn(`${NORMAL} has no Data_Point column: rows are kept in the order they are stored`);
    return order;
  }
  let sorted = true;
  for (let i = 1; i < order.length && sorted; i++) sorted = dataPoints[order[i - 1]] <= dataPoints[order[i]];
  if (!sorted) order.sort((a, b) => dataPoints[a] - dataPoints[b] || a - b);
  let repeats = 0, firstRepeat = NaN;
  for (let i = 1; i < order.length; i++) {
    if (dataPoints[order[i]] === dataPoints[order[i - 1]]) {
      if (!repeats) firstRepeat = dataPoints[order[i]];
      repeats++;
    }
  }
  if (repeats) warn(`${repeats} data points repeat a Data_Point number of the same test (the first: ${firstRepeat}); all are kept`);
  return order;
}

/** One output column: the test's rows in order, in SI. */
function gather(f: Field, src: Float64Array, order: Uint32Array): Column {
  const n = order.length;
  const out = new Float64Array(n);
  if (f.oleDate) for (let i = 0; i < n; i++) out[i] = (src[order[i]] - OLE_EPOCH_DAYS) * SECONDS_PER_DAY;
  else if (f.factor !== 1) for (let i = 0; i < n; i++) out[i] = src[order[i]] * f.factor;
  else for (let i = 0; i < n; i++) out[i] = src[order[i]];
  return { name: f.name, kind: f.kind, sourceUnit: f.sourceUnit, values: out };
}

// ---------------------------------------------------------------------------------------------
// Auxiliary inputs: one value per (data point, Data_Type, Auxiliary_Index), joined on Data_Point.

/** Column of a row object by a case-insensitive name. */
function fieldOf(row: Record<string, unknown> | undefined, name: string): unknown {
  if (!row) return undefined;
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(row)) if (k.toLowerCase() === lower) return row[k];
  return undefined;
}

interface AuxChannel {
  name: string;
  kind: ColumnKind;
  sourceUnit: string;
  toSI: (v: number) => number;
}

/** Name, kind and conversion of an aux input from its Data_Type (0 voltage, 1 temperature) and the unit Arbin recorded. */
export function auxChannel(dataType: number, index: number, recordedUnit: string): AuxChannel {
  const unit = recordedUnit.trim();
  const number = index + 1; // Auxiliary_Index counts from 0; MITS Pro shows channels from 1
  const temperatureUnit = /^(°|º|deg ?)?[CFK]$|^℃$/i.test(unit);
  const voltageUnit = /^m?V$/.test(unit);
  if (temperatureUnit || (dataType === 1 && !voltageUnit && !unit)) {
    const u = unit.replace(/^(°|º|deg ?)/i, '').toUpperCase();
    if (u === 'K') return { name: `Aux_Temperature_${number}`, kind: 'temperature', sourceUnit: 'K', toSI: (v) => v };
    if (u === 'F') return { name: `Aux_Temperature_${number}`, kind: 'temperature', sourceUnit: '°F', toSI: (v) => (v - 32) * 5 / 9 + 273.15 };
    return { name: `Aux_Temperature_${number}`, kind: 'temperature', sourceUnit: '°C', toSI: (v) => v + 273.15 };
  }
  if (voltageUnit || (dataType === 0 && !unit)) {
    if (unit === 'mV') return { name: `Aux_Voltage_${number}`, kind: 'auxVoltage', sourceUnit: 'mV', toSI: (v) => v / 1000 };
    return { name: `Aux_Voltage_${number}`, kind: 'auxVoltage', sourceUnit: 'V', toSI: (v) => v };
  }
  return { name: `Aux_Type${dataType}_${number}`, kind: 'other', sourceUnit: unit, toSI: (v) => v };
}

function readAux(db: ResDatabase, name: string, auxGlobal: Record<string, unknown>[], test: TestInfo,
  dataPoints: Float64Array | undefined, rows: number, warn: (m: string) => void): Column[] {
  const cols = db.columns(name);
  const col = (...wanted: string[]) => cols.find((c) => wanted.includes(c.name.toLowerCase()))?.name;
  const testCol = col('test_id'), dpCol = col('data_point'), indexCol = col('auxiliary_index'), typeCol = col('data_type');
  const xCol = col('x'), rateCol = col('dx_dt', 'dx/dt');
  if (!dpCol || !xCol || !indexCol || !typeCol) {
    warn(`${name} lacks ${['Data_Point', 'Auxiliary_Index', 'Data_Type', 'X'].filter((_, i) => ![dpCol, indexCol, typeCol, xCol][i]).join(', ')}: auxiliary inputs left out`);
    return [];
  }
  if (!dataPoints) {
    warn(`auxiliary inputs left out: ${NORMAL} has no Data_Point column to join them on`);
    return [];
  }
  // What Arbin recorded for each input of this test's channel (or of any channel, if none match).
  const described = new Map<number, { unit: string; nickname: string }>();
  const ofChannel = auxGlobal.filter((g) => numberOf(fieldOf(g, 'Channel_Index')) === test.channelIndex);
  for (const g of ofChannel.length ? ofChannel : auxGlobal) {
    const key = auxKey(numberOf(fieldOf(g, 'Data_Type')), numberOf(fieldOf(g, 'Auxiliary_Index')));
    if (Number.isFinite(key) && !described.has(key)) described.set(key, { unit: textOf(fieldOf(g, 'Unit')), nickname: textOf(fieldOf(g, 'Nickname')) });
  }

  const names = [dpCol, typeCol, indexCol, xCol, ...(rateCol ? [rateCol] : []), ...(testCol ? [testCol] : [])];
  const rateAt = rateCol ? 4 : -1, testAt = testCol ? names.length - 1 : -1;
  const channels = new Map<number, { x: Float64Array; rate: Float64Array | undefined; type: number; index: number }>();
  let unmatched = 0, repeated = 0, unreadable = 0, tooMany = 0;
  const declared = db.rowCount(name);
  for (let offset = 0; offset < declared; offset += CHUNK_ROWS) {
    const want = Math.min(CHUNK_ROWS, declared - offset);
    const chunk = db.rows(name, names, offset, want);
    for (const r of chunk) {
      if (testAt >= 0 && Number.isFinite(test.id) && numberOf(r[names[testAt]]) !== test.id) continue;
      const pos = positionOf(dataPoints, numberOf(r[dpCol]));
      if (pos < 0) { unmatched++; continue; }
      const type = numberOf(r[typeCol]), index = numberOf(r[indexCol]);
      if (!(Number.isInteger(type) && Number.isInteger(index) && type >= 0 && index >= 0 && type < 256 && index < 65536)) { unreadable++; continue; }
      const key = auxKey(type, index);
      let ch = channels.get(key);
      if (!ch) {
        if (channels.size >= MAX_AUX_INPUTS) { tooMany++; continue; }
        ch = { x: new Float64Array(rows).fill(NaN), rate: rateCol ? new Float64Array(rows).fill(NaN) : undefined, type, index };
        channels.set(key, ch);
      }
      if (ch.x[pos] === ch.x[pos]) repeated++;
      ch.x[pos] = numberOf(r[xCol]);
      if (ch.rate) ch.rate[pos] = numberOf(r[names[rateAt]]);
    }
    if (chunk.length < want) break;
  }
  if (unmatched) warn(`${name}: ${unmatched} auxiliary values name a Data_Point that this test does not have; left out`);
  if (unreadable) warn(`${name}: ${unreadable} auxiliary values have no valid Data_Type or Auxiliary_Index; left out`);
  if (tooMany) warn(`${name}: more than ${MAX_AUX_INPUTS} auxiliary inputs; ${tooMany} values of the further ones left out`);
  if (repeated) warn(`${name}: ${repeated} auxiliary values repeat an input at a data point already filled; the last is kept`);

  const out: Column[] = [];
  for (const key of [...channels.keys()].sort((a, b) => a - b)) {
    const ch = channels.get(key)!;
    const d = described.get(key);
    const spec = auxChannel(ch.type, ch.index, d?.unit ?? '');
    const label = d?.nickname && d.nickname !== spec.name ? `${spec.name} (${d.nickname})` : spec.name;
    const x = ch.x;
    for (let i = 0; i < rows; i++) x[i] = spec.toSI(x[i]);
    out.push({ name: label, kind: spec.kind, sourceUnit: spec.sourceUnit, values: x });
    if (ch.rate && ch.rate.some((v) => v === v)) {
      out.push({ name: `${label} dX/dt`, kind: 'other', sourceUnit: spec.sourceUnit ? `${spec.sourceUnit}/s` : '', values: ch.rate });
    }
  }
  return out;
}

/** Inputs sorted by data type, then index. */
const auxKey = (type: number, index: number): number => type * 65536 + index;
/** Aux inputs kept per test (each a column as long as the test): bounds what a damaged table allocates. */
const MAX_AUX_INPUTS = 256;

/** Row of `value` in the sorted data points, -1 when absent. Contiguous numbering is looked up directly. */
function positionOf(dp: Float64Array, value: number): number {
  const n = dp.length;
  if (!n || value !== value) return -1;
  const guess = value - dp[0];
  if (guess >= 0 && guess < n && dp[guess] === value) return guess;
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dp[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return dp[lo] === value ? lo : -1;
}

// ---------------------------------------------------------------------------------------------
// Facts of the test.

/** OLE date (days) or a Date from mdb-reader as ISO wall-clock time, without a zone. */
function isoWallClock(v: unknown): string | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' && v > 0 ? (v - OLE_EPOCH_DAYS) * SECONDS_PER_DAY * 1000 : NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return new Date(Math.round(ms / 1000) * 1000).toISOString().slice(0, 19);
}

function testMeta(t: TestInfo, testCount: number): Record<string, string> {
  const meta: Record<string, string> = {};
  const g = t.global;
  const put = (key: string, value: string | undefined): void => { if (value) meta[key] = value; };
  if (Number.isFinite(t.id)) meta.testId = String(t.id);
  put('testName', t.name);
  if (t.channelIndex !== undefined) meta.channelIndex = String(t.channelIndex);
  put('startTime', isoWallClock(fieldOf(g, 'Start_DateTime')));
  meta.timeZone = 'none recorded: Arbin writes the tester\'s local time; dateTime is that wall-clock time read as UTC';
  put('scheduleFile', textOf(fieldOf(g, 'Schedule_File_Name')));
  put('scheduleVersion', textOf(fieldOf(g, 'Schedule_Version')));
  put('softwareVersion', textOf(fieldOf(g, 'Software_Version')));
  put('serialNumber', textOf(fieldOf(g, 'Serial_Number')));
  put('creator', textOf(fieldOf(g, 'Creator')));
  put('comments', textOf(fieldOf(g, 'Comments')));
  put('itemId', textOf(fieldOf(g, 'Item_ID')));
  // MASS in g and Specific_Capacity in Ah/g (a silicon anode's file: 0.00085 g, 3.579 Ah/g); 0 when not set.
  const positive = (key: string): number | undefined => {
    const v = numberOf(fieldOf(g, key));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const mass = positive('MASS');
  if (mass !== undefined) meta.activeMass = `${+mass.toPrecision(7)} g`;
  const specific = positive('Specific_Capacity');
  if (specific !== undefined) meta.specificCapacity = `${+specific.toPrecision(7)} Ah/g`;
  const capacity = positive('Capacity');
  if (capacity !== undefined) meta.nominalCapacity = `${+capacity.toPrecision(7)} Ah`;
  if (testCount > 1) meta.tests = String(testCount);
  return meta;
}
