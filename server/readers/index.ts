// The readers' front door: readDataFile detects the format from the content and dispatches;
// requireColumns lets a caller say what it needs and get a message that names the file's line.
import { readBiologic } from './biologic';
import { TYPICAL_NAME } from './columns';
import { DelimitedFormat, readDelimited, sniffDelimited } from './delimited';
import { Detection, detectFormat } from './detect';
import { readGamry, readZPlot } from './eis';
import { orientImaginary } from './impedanceSign';
import { readMaccor } from './maccor';
import { nestedNewareLayout, readNewareNested } from './newareNested';
import { MAX_COLUMN_NAMES, nameList, shownName } from './messages';
import { readSpreadsheet } from './spreadsheet';
import { readArbinRes } from './arbinRes';
import { readMpr } from './mpr';
import { readNda } from './neware/nda';
import { readNdax } from './neware/ndax';
import { FileHead, readHead } from './text';
import { ColumnKind, columnsOfFile, DataError, DataTable, FormatId, ReadOptions } from './types';

export * from './types';
export { detectFormat } from './detect';

const DELIMITED: Partial<Record<FormatId, Omit<DelimitedFormat, 'format'>>> = {
  csv: {},
  arbin: { defaults: { charge: 'Ah', chargeCapacity: 'Ah', dischargeCapacity: 'Ah' } },
  neware: { signByState: true },
  land: { signByState: true },
  'eis-csv': { positional: ['frequency', 'zReal', 'zImag'], technique: 'EIS' },
};

/**
 * Read an instrument export into SI columns. Throws DataError (file, line, message) when the file
 * cannot be read at all; row-level trouble is listed in `problems`. Cancelled reads reject with
 * the signal's reason (an AbortError), not a DataError.
 */
export async function readDataFile(path: string, options: ReadOptions = {}): Promise<DataTable> {
  try {
    const table = await dispatch(path, options);
    orientImaginary(table);
    return table;
  } catch (e) {
    if (e instanceof DataError || options.signal?.aborted) throw e;
    // Anything else is a bug of ours, but the caller is promised DataErrors for bad content.
    throw new DataError(path, 0, `could not read the file: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** The binary formats: read from the bytes, never as text. */
const BINARY_READERS: Partial<Record<FormatId, (path: string, options: ReadOptions) => Promise<DataTable>>> = {
  'biologic-mpr': readMpr,
  'arbin-res': readArbinRes,
  'neware-nda': readNda,
  'neware-ndax': readNdax,
};

async function dispatch(path: string, options: ReadOptions): Promise<DataTable> {
  const forced = options.format && BINARY_READERS[options.format];
  if (forced) return forced(path, options);
  const head = await readHead(path, options);
  const binary = binaryFormat(head.container);
  if (binary) {
    if (options.format) throw new DataError(path, 0, `this is ${BINARY_NAMES[binary]}, not a ${options.format} export`);
    return BINARY_READERS[binary]!(path, options);
  }
  if (head.container !== 'text') {
    if (options.format && !['land', 'neware', 'arbin'].includes(options.format)) {
      throw new DataError(path, 0, `this is a workbook (xlsx/xls), not a ${options.format} text export`);
    }
    return readSpreadsheet(head, options, options.format);
  }
  // Neware's regular export nests cycle, step and record tables: no single delimited plan fits it.
  const nested = !options.format || options.format === 'neware' ? nestedNewareLayout(head) : undefined;
  if (nested) return readNewareNested(head, options, nested);
  const detected: Partial<Detection> & { format: FormatId } = options.format ? { format: options.format } : detectFormat(head);
  const format = detected.format;
  switch (format) {
    case 'biologic-mpt': return readBiologic(head, options);
    case 'zplot': return readZPlot(head, options);
    case 'gamry': return readGamry(head, options);
    case 'maccor': return readMaccor(head, options, detected.plan);
    default: {
      const plan = detected.plan ?? sniffDelimited(head);
      if (!plan) throw new DataError(path, 1, `no ${format} table (a column line followed by rows of numbers) found in the first lines`);
      const positional = detected.columns ? { positional: detected.columns } : {};
      return readDelimited(head, plan, { format, ...DELIMITED[format], ...positional }, options);
    }
  }
}

const BINARY_NAMES: Partial<Record<FormatId, string>> = {
  'biologic-mpr': 'an EC-Lab .mpr binary file', 'arbin-res': 'an Arbin .res database (Microsoft Access)',
  'neware-nda': 'a Neware .nda binary file', 'neware-ndax': 'a Neware .ndax archive',
};

const BINARY_CONTAINERS: Partial<Record<FileHead['container'], FormatId>> = {
  mpr: 'biologic-mpr', jet: 'arbin-res', nda: 'neware-nda', ndax: 'neware-ndax',
};

function binaryFormat(container: FileHead['container']): FormatId | undefined {
  return BINARY_CONTAINERS[container];
}

/**
 * Check that the table has a column with values for every kind in `kinds`, and (with `absent`)
 * none of the kinds that mark the wrong kind of data, e.g. DC cycling given an EIS file.
 * Throws a DataError at the column line that names what is missing and what the file has.
 */
export function requireColumns(table: DataTable, kinds: ColumnKind[], purpose: string, absent: ColumnKind[] = []): void {
  const line = Number(table.meta.columnLine ?? 0) || 0;
  const where = line ? `line ${line}` : 'the file';
  const names = nameList(columnsOfFile(table).map((c) => c.name), 'none', MAX_COLUMN_NAMES);
  const missing = kinds.filter((k) => !table.columns.some((c) => c.kind === k));
  if (missing.length) {
    const what = missing.map((k) => `${k} (e.g. ${TYPICAL_NAME[k]})`).join(', ');
    throw new DataError(table.file, line,
      `${purpose} needs ${what}, but the columns at ${where} have no such column: ${names}`);
  }
  const empty = kinds.map((k) => table.columns.find((c) => c.kind === k)!).filter((c) => !c.values.some((v) => v === v));
  if (empty.length) {
    throw new DataError(table.file, line, `${purpose} needs values in ${empty.map((c) => `'${shownName(c.name)}'`).join(', ')}, but the column is empty`);
  }
  // Columns left unread still tell what the file holds.
  const wrong = absent.map((k) => columnsOfFile(table).find((c) => c.kind === k)).filter((c) => c !== undefined);
  if (wrong.length) {
    const kind = wrong.some((c) => c!.kind === 'frequency' || c!.kind === 'zReal' || c!.kind === 'zImag') ? 'impedance (EIS) data' : 'data of another kind';
    throw new DataError(table.file, line,
      `${purpose} cannot use this file: it holds ${kind} (${wrong.map((c) => `'${shownName(c!.name)}'`).join(', ')} at ${where})${table.technique ? `, technique ${table.technique}` : ''}`);
  }
}

/** "file:line: message", the way editors and compilers print a problem. */
export function describeDataError(e: DataError): string {
  return `${e.file}:${e.line}: ${e.message}`;
}
