// What every instrument reader produces: typed columns in SI units, plus where each value came
// from, so a problem can name the file and the line. Readers know nothing of analyses.

/** What a column measures. Readers map the instrument's names (Ewe/V, Test_Time, ...) to these. */
export type ColumnKind =
  | 'time'        // s since the start of the file
  | 'voltage'     // V (working electrode or cell)
  | 'current'     // A, positive = charge/oxidation as the instrument signs it
  | 'charge'      // C (A·s): a capacity column, when present
  | 'chargeCapacity' | 'dischargeCapacity' // C, cycler cumulative per-cycle columns
  | 'cycle'       // cycle index as the instrument counts it
  | 'step'        // step / sequence index
  | 'frequency'   // Hz
  | 'zReal'       // Ω, Re(Z)
  | 'zImag'       // Ω, Im(Z): negative for a capacitive arc (readers flip "-Im(Z)" columns)
  | 'temperature' // K
  | 'chargeEnergy' | 'dischargeEnergy' // J (W·s), cycler cumulative per-cycle columns
  | 'power'       // W
  | 'dateTime'    // s since 1970-01-01T00:00:00Z (absolute time of the point)
  | 'stepTime'    // s since the start of the step
  | 'index'       // data point number as the instrument counts it
  | 'halfCycle'   // half-cycle index (EC-Lab)
  | 'stepType'    // categorical: the column's `labels` name each code (rest, CC charge, ...)
  | 'auxVoltage'  // V, an auxiliary voltage channel (Neware V1, Arbin Aux_Voltage)
  | 'other';

export const SI_UNIT: Record<ColumnKind, string> = {
  time: 's', voltage: 'V', current: 'A', charge: 'A·s', chargeCapacity: 'A·s', dischargeCapacity: 'A·s', cycle: '', step: '',
  frequency: 'Hz', zReal: 'Ω', zImag: 'Ω', temperature: 'K', chargeEnergy: 'J', dischargeEnergy: 'J', power: 'W',
  dateTime: 's', stepTime: 's', index: '', halfCycle: '', stepType: '', auxVoltage: 'V', other: '',
};

export interface Column {
  /** The name as written in the file, e.g. "<Ewe>/V". */
  name: string;
  kind: ColumnKind;
  /** The unit as written in the file (e.g. "mA"); values are converted to SI_UNIT[kind]. */
  sourceUnit: string;
  values: Float64Array;
  /** For categorical columns (step types, modes): the name of each code that occurs. */
  labels?: Record<number, string>;
}

/** A column as the file's header names it, whether or not it was read. */
export interface FileColumn {
  name: string;
  kind: ColumnKind;
}

export type FormatId =
  | 'biologic-mpt' | 'csv' | 'arbin' | 'neware' | 'land' | 'maccor' | 'zplot' | 'gamry' | 'eis-csv'
  // the instruments' own binary files
  | 'biologic-mpr' | 'neware-nda' | 'neware-ndax' | 'arbin-res';

export interface DataProblem {
  /** 1-based line in the file (0 when it concerns the whole file, or a binary file: the message then names the record or byte offset). */
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface DataTable {
  file: string;
  format: FormatId;
  /** The instrument technique when the file says (GCPL, CP, PEIS, GEIS, ...). */
  technique?: string;
  rows: number;
  columns: Column[];
  /**
   * Every column of the file in its order, read or not: set when `ReadOptions.kinds` left some
   * out, so messages can still name what the file has (see columnsOfFile).
   */
  fileColumns?: FileColumn[];
  /** 1-based file line of each row, for messages about a value. */
  lineOfRow: (row: number) => number;
  /** Header facts worth keeping (electrode area, mass, acquisition date, ...). */
  meta: Record<string, string>;
  /** Non-fatal problems: skipped rows, odd values. */
  problems: DataProblem[];
}

/** A file that cannot be read at all: names the line and the problem. */
export class DataError extends Error {
  constructor(public file: string, public line: number, message: string) {
    super(message);
  }
}

export interface ReadOptions {
  /** Skip detection and read as this format. */
  format?: FormatId;
  /** Column mapping from the spec: kind -> the column's name in the file (with its unit). */
  mapping?: Partial<Record<ColumnKind, string>>;
  /** Refuse files larger than this (bytes). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Files holding several tests or channels (Arbin .res): which one to read, by its id as the file names it. */
  channel?: string;
  /**
   * Read only the columns of these kinds (the text readers skip the other cells unparsed; other
   * readers may read everything). Without it every column is read.
   */
  kinds?: readonly ColumnKind[];
  /** Read the file as if it ended at this byte (a live file's complete lines: readers/append.ts). */
  upTo?: number;
}

export function column(t: DataTable, kind: ColumnKind): Column | undefined {
  return t.columns.find((c) => c.kind === kind);
}

/** The columns the file has, read or not, in its order. */
export function columnsOfFile(t: DataTable): FileColumn[] {
  return t.fileColumns ?? t.columns;
}
