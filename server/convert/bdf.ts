// A reader's table as Battery Data Format columns: which term each column is (by its kind, for a
// few instrument columns by name), the values in the term's unit, and the checks a term's
// definition asks for (a cycle_count never decreases; charging_capacity_ah accumulates from the
// start of the test and never resets). A column no term fits stays an instrument column, with its
// name and unit as the file writes them. Knows nothing of files or the command line.
import { BDF_TERMS, BdfTerm, bdfTerm } from '../readers/bdfTerms';
import { splitNameUnit, unitInfo } from '../readers/columns';
import { Column, ColumnKind, DataTable, FormatId, SI_UNIT } from '../readers/types';
import { accumulateCounter, isCycleCount, isIntegral, isNonDecreasing, isRecordIndex, isStepCount } from './checks';
import { convertRaw, convertValues, IDENTITY, Linear } from './digits';

export interface OutColumn {
  /** The term's notation, or the instrument's name (with its unit) for a column no term fits. */
  name: string;
  /** Undefined for instrument columns: not a Battery Data Format term. */
  term?: BdfTerm;
  /** The instrument column the values come from, as the file names it. */
  from: string;
  /** The unit of the values ('' for counts and labels). */
  unit: string;
  values: Float64Array;
  type: 'number' | 'integer' | 'text';
  /** For text columns: the label of each code. */
  labels?: Record<number, string>;
}

export interface BdfTable {
  rows: number;
  columns: OutColumn[];
  /** What was decided about columns, in words ("Charge_Capacity restarts ...; charging_capacity_ah accumulates it"). */
  notes: string[];
}

export interface BdfOptions {
  /** Keep the columns no term fits (default true). */
  instrumentColumns?: boolean;
}

const BY_KIND: Partial<Record<ColumnKind, string>> = {
  time: 'test_time_second', dateTime: 'unix_time_second', stepTime: 'step_time_second', voltage: 'voltage_volt',
  current: 'current_ampere', power: 'power_watt', cycle: 'cycle_count', index: 'record_index', stepType: 'step_type',
  chargeCapacity: 'charging_capacity_ah', dischargeCapacity: 'discharging_capacity_ah',
  chargeEnergy: 'charging_energy_wh', dischargeEnergy: 'discharging_energy_wh',
  frequency: 'frequency_hertz', zReal: 'real_impedance_ohm', zImag: 'imaginary_impedance_ohm',
};

/** Neware's readers number steps in order of execution ("Step"); the program's step is "Step_Index". */
const SEQUENTIAL_STEPS = new Set<FormatId>(['neware-nda', 'neware-ndax']);

/** Instrument columns a term fits by name: the base name (unit removed) and the dimension of its unit. */
const BY_NAME: { re: RegExp; dim?: string; notation: string; formats?: FormatId[] }[] = [
  { re: /^\(?q-qo\)?$/i, dim: 'charge', notation: 'net_capacity_ah' }, // EC-Lab's (Q-Qo): "equivalent to BioLogic Q-Q0"
  { re: /^(\|z\||zmod)$/i, dim: 'resistance', notation: 'absolute_impedance_ohm' },
  { re: /^(phase\(z\)|zphz)$/i, dim: 'angle', notation: 'phase_degree' },
  { re: /^internal_resistance$/i, dim: 'resistance', notation: 'internal_resistance_ohm' },
  { re: /^step_index$/i, notation: 'step_id', formats: ['neware-nda', 'neware-ndax'] },
];

const CUMULATIVE = new Set(['charging_capacity_ah', 'discharging_capacity_ah', 'charging_energy_wh', 'discharging_energy_wh']);
const TERM_ORDER = new Map(BDF_TERMS.map((t, i) => [t.notation, i]));

export function bdfTable(table: DataTable, opts: BdfOptions = {}): BdfTable {
  const notes: string[] = [];
  const used = new Set<string>();
  const terms: OutColumn[] = [];
  const instrument: OutColumn[] = [];
  const temperatures = table.columns.filter((c) => c.kind === 'temperature');
  const boundaries = stepOrCycleChanges(table);
  for (const c of table.columns) {
    const notation = c.kind === 'temperature' ? temperatureTerm(temperatures.indexOf(c), temperatures.length) : candidate(c, table.format);
    const mapped = notation && !used.has(notation) ? termColumn(c, bdfTerm(notation), boundaries, notes) : undefined;
    if (notation && used.has(notation)) notes.push(`'${c.name}' is a second ${notation} column: kept as an instrument column`);
    if (mapped) { used.add(notation!); terms.push(mapped.column); }
    if (!mapped || mapped.keepInstrument) instrument.push(instrumentColumn(c));
  }
  terms.sort((a, b) => TERM_ORDER.get(a.name)! - TERM_ORDER.get(b.name)!);
  const columns = opts.instrumentColumns === false ? terms : [...terms, ...uniqueNames(instrument, new Set(terms.map((t) => t.name)))];
  return { rows: table.rows, columns, notes };
}

function candidate(c: Column, format: FormatId): string | undefined {
  if (c.kind === 'step') return SEQUENTIAL_STEPS.has(format) ? 'step_count' : 'step_id';
  if (c.kind === 'charge' || c.kind === 'other') {
    if (c.kind === 'other' && c.sourceUnit === 'date') return 'unix_time_second'; // a second date column, in s since 1970
    const base = splitNameUnit(c.name).name;
    const dim = unitDim(c.sourceUnit);
    return BY_NAME.find((r) => r.re.test(base) && (!r.dim || r.dim === dim) && (!r.formats || r.formats.includes(format)))?.notation;
  }
  return BY_KIND[c.kind];
}

/** One temperature: the cell's (surface); several: T1 … T5 in file order (the ontology has five). */
function temperatureTerm(i: number, count: number): string | undefined {
  if (count === 1) return 'surface_temperature_celsius';
  return i < 5 ? `temperature_t${i + 1}_celsius` : undefined;
}

function unitDim(unit: string): string | undefined {
  if (/^(deg|°)$/i.test(unit.trim())) return 'angle';
  return unitInfo(unit)?.dim;
}

/** The column as the term, or undefined when its values break the term's definition. */
function termColumn(c: Column, term: BdfTerm, boundaries: Uint8Array | undefined, notes: string[]): { column: OutColumn; keepInstrument?: boolean } | undefined {
  const base = { name: term.notation, term, from: c.name, unit: term.unit };
  if (term.text) return { column: { ...base, values: c.values, type: 'text', labels: c.labels ?? {} } };
  if (term.integer) {
    const why = integerProblem(term.notation, c.values);
    if (why) { notes.push(`'${c.name}' is not ${term.notation} (${why}): kept as an instrument column`); return undefined; }
    return { column: { ...base, values: c.values, type: 'integer' } };
  }
  if (c.kind === 'other') return { column: { ...base, values: convertRaw(c.values, linear(c.sourceUnit), linear(term.unit)), type: 'number' } };
  let si = c.values;
  let from = linear(c.sourceUnit);
  let keepInstrument = false;
  if (CUMULATIVE.has(term.notation) && !isNonDecreasing(si)) {
    const acc = accumulateCounter(si, boundaries);
    if (!acc) {
      notes.push(`'${c.name}' falls back within a step, so it is no counter from the start of the test: not ${term.notation}; kept as an instrument column`);
      return undefined;
    }
    notes.push(`'${c.name}' restarts from zero ${acc.restarts} time${acc.restarts === 1 ? '' : 's'} (at step or cycle changes): ${term.notation} is its running total from the start of the file; the counter is kept as an instrument column`);
    si = acc.values;
    keepInstrument = true;
    from = { factor: from.factor, offset: 0 };
  }
  return { column: { ...base, values: convertValues(si, from, linear(term.unit)), type: 'number' }, keepInstrument };
}

function integerProblem(notation: string, v: Float64Array): string | undefined {
  if (!isIntegral(v)) return 'values that are not whole numbers';
  if (notation === 'cycle_count' && !isCycleCount(v)) return 'the ontology asks for non-negative cycle numbers that never decrease';
  if (notation === 'step_count' && !isStepCount(v)) return 'the ontology asks for a counter that grows by one at each new step';
  if (notation === 'record_index' && !isRecordIndex(v)) return 'the ontology asks for an ordinal that grows by one per record';
  return undefined;
}

/** How numbers in a unit become SI (IDENTITY for SI itself, counts and units we do not know). */
function linear(unit: string): Linear {
  if (!unit) return IDENTITY;
  if (/^(deg|°)$/i.test(unit.trim())) return IDENTITY; // angles: degrees in, degrees out
  const info = unitInfo(unit);
  return info ? { factor: info.factor, offset: info.offset ?? 0 } : IDENTITY;
}

/** An instrument column: its name, with the unit its values are written in. */
function instrumentColumn(c: Column): OutColumn {
  const known = c.kind === 'other' || !c.sourceUnit || !!unitInfo(c.sourceUnit);
  const unit = c.kind === 'other' ? c.sourceUnit : known ? c.sourceUnit : SI_UNIT[c.kind];
  const values = c.kind === 'stepType' ? c.values
    : c.kind === 'other' ? convertRaw(c.values, IDENTITY, IDENTITY)
      : convertValues(c.values, linear(c.sourceUnit), linear(c.sourceUnit));
  const shownUnit = unit === 'date' ? 's since 1970' : unit;
  const name = splitNameUnit(c.name).unit || !shownUnit ? c.name : `${c.name}/${shownUnit}`;
  const type = c.kind === 'stepType' ? 'text' : 'number';
  return { name, from: c.name, unit: shownUnit, values, type, labels: type === 'text' ? c.labels ?? {} : undefined };
}

function uniqueNames(columns: OutColumn[], taken: Set<string>): OutColumn[] {
  return columns.map((c) => {
    let name = c.name;
    for (let k = 2; taken.has(name); k++) name = `${c.name} (${k})`;
    taken.add(name);
    return { ...c, name };
  });
}

/** Rows where the step or the cycle differs from the row before: where instruments restart their counters. */
function stepOrCycleChanges(table: DataTable): Uint8Array | undefined {
  const keys = table.columns.filter((c) => c.kind === 'step' || c.kind === 'cycle' || c.kind === 'halfCycle' || (c.kind === 'other' && /^step_index$/i.test(c.name)));
  if (!keys.length) return undefined;
  const out = new Uint8Array(table.rows);
  for (const k of keys) for (let i = 1; i < table.rows; i++) if (k.values[i] !== k.values[i - 1]) out[i] = 1;
  return out;
}
