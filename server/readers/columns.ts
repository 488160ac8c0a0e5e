// What a column header means: its kind, the unit it is written in and the factor to SI.
// Names come from EC-Lab (time/s, Ewe/V, -Im(Z)/Ohm), cyclers (Arbin Test_Time, Neware
// Current(mA), LAND 电压/V, Maccor Amp-hr) and hand-made tables (Voltage (V), Time [h]).
import { DIM, parseUnit, sameDim, Unit } from '../domain/units';
import { bdfTermNamed } from './bdfTerms';
import { MAX_COLUMN_NAMES, nameList, shownName } from './messages';
import { ColumnKind, DataError, FormatId } from './types';

/** How a cell is turned into a number. */
export type CellParse =
  | 'number'
  | 'duration' // [d-]h:m:s[.fff] → s
  | 'datetime' // a date and time → s since 1970 (made relative to the first row)
  | 'state'; // charge / discharge / rest flags (C, D, R; CC_Chg, CC_DChg, Rest; 充电, 放电) → +1, -1, 0

export interface ColumnSpec {
  /** The header as written. */
  name: string;
  kind: ColumnKind;
  /** The unit as written, or the unit assumed when none is written. */
  sourceUnit: string;
  /** SI value = raw · factor + offset (factor is negative when flipSign). */
  factor: number;
  offset: number;
  /** The column holds the negative of the quantity (-Im(Z)). */
  flipSign: boolean;
  parse: CellParse;
  /** Among columns of one kind the highest priority wins; the others become 'other'. */
  priority: number;
  /** Set when the unit was not written and was assumed. */
  assumedUnit?: boolean;
}

type Dim = 'time' | 'voltage' | 'current' | 'charge' | 'energy' | 'power' | 'frequency' | 'resistance' | 'temperature' | 'none' | 'foreign';

interface UnitInfo {
  dim: Dim;
  factor: number;
  offset?: number;
  parse?: CellParse;
}

// Units come from the project's one vocabulary (domain/units.ts) read in the data context, where
// "C" is the coulomb. What is particular to exports stays here: their spellings of the same units
// (Ohms, secs, Amp-hr, deg C), the clock-time formats of durations, and whether a dimension is one
// a column kind of ours takes ('foreign' units are known, so "name/unit" splits, but kind-less).
const DURATIONS = new Set(['h:m:s', 'h:min:s', 'h:min:s.ms', 'hh:mm:ss', 'h:mm:ss', 'hh:mm:ss.sss', 'hh:mm:ss.ms', 'd-h:m:s', 'd.hh:mm:ss']);

/** Export spellings of units the vocabulary writes otherwise (matched lower-cased: they are words). */
const SPELLINGS: Record<string, string> = {
  sec: 's', secs: 's', second: 's', seconds: 's', min: 'min', mins: 'min', minute: 'min', minutes: 'min',
  hr: 'h', hrs: 'h', hour: 'h', hours: 'h', day: 'd', days: 'd',
  volt: 'V', volts: 'V', amp: 'A', amps: 'A', 'amp-hr': 'Ah', ohm: 'Ω', ohms: 'Ω', o: 'Ω', kohm: 'kΩ', mohm: 'mΩ',
  hz: 'Hz', khz: 'kHz', degc: '°C', 'deg c': '°C',
};
/** Spellings matched as written (case matters: MOhm is not mOhm). */
const EXACT: Record<string, string> = { As: 'A·s', MOhm: 'MΩ', kOhm: 'kΩ', mOhm: 'mΩ', Ohms: 'Ω', Ohm: 'Ω' };
/** Units no kind of ours takes and the vocabulary does not know. */
const FOREIGN_WORDS = new Set(['bits', 'mol/l']);

/** The dimensions column kinds take (the names are those of DIM). */
const KIND_DIMS = (['time', 'voltage', 'current', 'charge', 'energy', 'power', 'frequency', 'resistance', 'temperature'] as const).map((d) => [d, DIM[d]] as const);

function columnDim(u: Unit, written: string): Dim {
  if (written === '#') return 'none';
  return KIND_DIMS.find(([, dim]) => sameDim(dim, u.dim))?.[0] ?? 'foreign';
}

function normUnit(u: string): string {
  return u.trim()
    .replace(/μ/g, 'µ') // Greek mu to micro sign
    .replace(/[·•]/g, '.')
    .replace(/^(m|µ|u)?A ?h$/, (_m, p: string | undefined) => `${p ?? ''}Ah`)
    .replace(/\s+vs\.?\s.*$/i, '') // "V vs. Ref."
    .replace(/^deg\.?\s*C$/i, 'deg C');
}

export function unitInfo(unit: string): UnitInfo | undefined {
  const written = normUnit(unit);
  if (!written) return undefined;
  const lower = written.toLowerCase();
  if (DURATIONS.has(lower)) return { dim: 'time', factor: 1, parse: 'duration' };
  if (FOREIGN_WORDS.has(lower)) return { dim: 'foreign', factor: 1 };
  const u = parseUnit(EXACT[written] ?? SPELLINGS[lower] ?? written, 'data');
  if ('error' in u) return undefined;
  return { dim: columnDim(u, written), factor: u.factor, offset: u.offset || undefined };
}

/**
 * Split "name (unit)", "name [unit]", "name/unit" (at the first '/' whose remainder is a unit:
 * "Q charge/discharge/mA.h", "SpeCap/mAh/g") and "name(unit)". A bracket or slash whose content
 * is not a unit stays in the name ("Z'(a)", "dV/dt").
 */
export function splitNameUnit(header: string): { name: string; unit: string } {
  const h = header.trim();
  const br = /^(.*?)\s*[([]\s*([^()[\]]*?)\s*[)\]]\s*$/.exec(h);
  if (br && br[1] && unitInfo(br[2])) return { name: br[1].trim(), unit: br[2] };
  for (let i = h.indexOf('/'); i > 0; i = h.indexOf('/', i + 1)) {
    const unit = h.slice(i + 1).trim();
    if (unitInfo(unit)) return { name: h.slice(0, i).trim(), unit };
  }
  return { name: h, unit: '' };
}

interface Rule {
  re: RegExp;
  kind: ColumnKind;
  priority: number;
  flip?: boolean;
  parse?: CellParse;
  /** The unit a bare name implies ("Amps", "Volts", "Amp-hr"). */
  unit?: string;
}

const r = (re: RegExp, kind: ColumnKind, priority: number, extra: Partial<Rule> = {}): Rule => ({ re, kind, priority, ...extra });

// Spellings of Im(Z) and Re(Z) in impedance exports (EC-Lab, ZPlot Z''(b), Gamry Zimag, Zahner
// Zimg, NOVA -Z'', hand-made Real/Imag, primes as ′ ″), matched on the lower-cased name without its unit. A bare
// "Im" is Gamry's current, not Im(Z). A leading minus (-Z'', -Im(Z)) flips the sign.
const OF_Z = String.raw`\s*\(\s*z\s*\)`;
const IMAG = String.raw`im${OF_Z}|imag(inary)?(${OF_Z})?|im\s*z|z\s*(''|″|′′)(\s*\(b\))?|z\s*"|z[ _]?i(m(ag(inary)?|g)?)?`;
const REAL = String.raw`re${OF_Z}|real(${OF_Z})?|re\s*z|z\s*('|′)(\s*\(a\))?|z[ _]?r(e(al)?)?`;

// Matched against the lower-cased name (unit removed, blanks collapsed); the first match wins.
const RULES: Rule[] = [
  r(/^\|.*\|$/, 'other', 0), // |Z|, |Ewe|, |I|: moduli of EIS
  r(/^(ece|<ece>|control(\/.*)?|polar|vm|vu|ach|sig|zsig|zmod|zphz|ierange|over|dq|dq\/dv|dv\/dq|i range|ns changes|control changes|counter inc\.?|ox\/red|error|dpt time|es)$/, 'other', 0),
  // EC-Lab's mode: 1 CC, 2 CV, 3 rest (labels in ecLab.ts); its half-cycle index.
  r(/^mode$/, 'stepType', 1),
  r(/^half cycle$/, 'halfCycle', 3),
  r(/^(energy charge|charge[ _-]?energy|engy[ _-]?chg|chg\.? ?energy|充电能量)$/, 'chargeEnergy', 3),
  r(/^(energy discharge|discharge[ _-]?energy|engy[ _-]?dchg|dchg\.? ?energy|放电能量)$/, 'dischargeEnergy', 3),
  r(/^(p|power|功率)$/, 'power', 3),
  r(new RegExp(`^-\\s*(${IMAG})$`), 'zImag', 3, { flip: true }),
  r(new RegExp(`^(${IMAG})$`), 'zImag', 3),
  r(new RegExp(`^(${REAL})$`), 'zReal', 3),
  r(/^(freq|frequency|f|频率)$/, 'frequency', 3),
  r(/^(test[ _-]?time|total[ _-]?time|cumulative[ _-]?time|elapsed[ _-]?time|run[ _-]?time|test|测试时间|总时间|累计时间)$/, 'time', 3),
  r(/^(time|t|zeit|时间)$/, 'time', 2),
  r(/^(date[ _-]?time|realtime|real[ _-]?time|sys[ _-]?time|system[ _-]?time|absolute[ _-]?time|timestamp|date|绝对时间|系统时间|日期)$/, 'time', 1.5, { parse: 'datetime' }),
  r(/^(相对时间)$/, 'time', 0.5),
  r(/^(step[ _-]?time|步骤时间|工步时间)$/, 'stepTime', 3),
  r(/^(ewe|voltage|volts|volt|potential|cell[ _-]?voltage|cell[ _-]?potential|u|v|e|vf|电压|spannung)$/, 'voltage', 3),
  r(/^(ecell|<ewe>|<ecell>|e[ _]?cell)$/, 'voltage', 2),
  r(/^(ewe-ece|vdc|v-dc|e dc|edc|bias)$/, 'voltage', 1),
  r(/^(i|current|amps|amp|cur|im|电流|strom)$/, 'current', 3),
  r(/^(<i>|idc|i dc)$/, 'current', 2),
  r(/^(q charge\/discharge|q charge-discharge)$/, 'charge', 3),
  r(/^(\(q-qo\)|q-qo|capacity|cap|capacitance|amp-hr|容量|q)$/, 'charge', 2),
  r(/^(charge[ _-]?capacity|q charge|chg\.? ?cap\.?|capacitance[ _-]?chg|capc|charge[ _-]?cap|充电容量)$/, 'chargeCapacity', 3),
  r(/^(discharge[ _-]?capacity|q discharge|dchg\.? ?cap\.?|capacitance[ _-]?dchg|capd|discharge[ _-]?cap|放电容量)$/, 'dischargeCapacity', 3),
  r(/^(cycle number|cycle|cycle[ _-]?index|cycle[ _-]?id|cycle[ _-]?no\.?|cyc#|cycle ?#|cycles|循环号|循环序号|循环|zyklus)$/, 'cycle', 3),
  r(/^(ns|step|step[ _-]?index|step[ _-]?id|step[ _-]?no\.?|step number|step ?#|工步号|工步序号|工步)$/, 'step', 3),
  r(/^(temperature|temp|temp ?\d|aux[ _-]?temp|t1|温度)$/, 'temperature', 3),
  r(/^(avg-t|aux temperature)$/, 'temperature', 1),
  r(/^(state|step[ _-]?type|step[ _-]?state|工步类型|状态|md)$/, 'other', 0, { parse: 'state' }),
];

// The unit a kind is taken to be in when none is written (cycler exports often omit it).
const DEFAULT_UNIT: Partial<Record<ColumnKind, string>> = {
  time: 's', stepTime: 's', voltage: 'V', current: 'A', frequency: 'Hz', zReal: 'Ohm', zImag: 'Ohm', temperature: '°C',
  charge: 'A.s', chargeCapacity: 'A.s', dischargeCapacity: 'A.s',
};

const CHARGE_KINDS = new Set<ColumnKind>(['charge', 'chargeCapacity', 'dischargeCapacity']);

const DIM_OF: Record<ColumnKind, Dim> = {
  time: 'time', voltage: 'voltage', current: 'current', charge: 'charge', chargeCapacity: 'charge', dischargeCapacity: 'charge',
  cycle: 'none', step: 'none', frequency: 'frequency', zReal: 'resistance', zImag: 'resistance', temperature: 'temperature', other: 'none',
  chargeEnergy: 'energy', dischargeEnergy: 'energy', power: 'power', dateTime: 'none', stepTime: 'time', index: 'none', halfCycle: 'none',
  stepType: 'none', auxVoltage: 'voltage',
};

const KIND_OF_DIM: Partial<Record<Dim, ColumnKind>> = {
  voltage: 'voltage', current: 'current', frequency: 'frequency', temperature: 'temperature', time: 'time', charge: 'charge',
};

export interface ClassifyOptions {
  /** A unit given apart from the name (Gamry's units row). */
  unit?: string;
  /** Units the format writes without saying (Arbin: capacities in Ah). */
  defaults?: Partial<Record<ColumnKind, string>>;
  format?: FormatId;
}

function other(name: string, unit: string, parse: CellParse = 'number'): ColumnSpec {
  return { name, kind: 'other', sourceUnit: unit, factor: 1, offset: 0, flipSign: false, parse, priority: 0 };
}

/** A Battery Data Format column (what `cellspec convert` writes): its term says kind and unit. */
function bdfColumn(header: string): ColumnSpec | undefined {
  const term = bdfTermNamed(header);
  // step_type holds labels: the state rule below reads them.
  if (!term || term.text) return undefined;
  if (term.kind === 'other') return other(header, term.unit);
  const info = term.unit ? unitInfo(term.unit) : undefined;
  return {
    name: header, kind: term.kind, sourceUnit: term.unit, factor: info?.factor ?? 1, offset: info?.offset ?? 0, flipSign: false,
    parse: 'number', priority: term.readPriority,
  };
}

/** The kind, unit and SI conversion of one column header. */
export function classifyColumn(header: string, opts: ClassifyOptions = {}): ColumnSpec {
  const bdf = bdfColumn(header);
  if (bdf) return bdf;
  let { name, unit } = splitNameUnit(header);
  if (opts.unit !== undefined && opts.unit.trim() && !unit) unit = opts.unit.trim();
  const key = name.toLowerCase().replace(/\s+/g, ' ').trim();
  let rule = RULES.find((x) => x.re.test(key));
  // Format quirks: Neware's plain "Time" restarts at every step (its test time is "Total Time" or
  // "Cumulative Time"), so it is the step time.
  if (rule && rule.kind === 'time' && rule.priority === 2 && opts.format === 'neware') rule = { ...rule, kind: 'stepTime' };
  let info = unit ? unitInfo(unit) : undefined;
  if (!rule) {
    // An unknown name with a telling unit: "Spannung (V)", "t (h)".
    if (info && KIND_OF_DIM[info.dim]) rule = r(/./, KIND_OF_DIM[info.dim]!, 0.25);
    else return other(header, unit);
  }
  if (rule.kind === 'other') return other(header, unit, rule.parse);
  const kind = rule.kind;
  // "C" after a temperature is degrees Celsius, not coulombs.
  if (kind === 'temperature' && unit && /^c$/i.test(unit.trim())) info = unitInfo('°C');
  if (kind === 'time' && rule.parse === 'datetime') {
    return { name: header, kind, sourceUnit: unit || 'date', factor: 1, offset: 0, flipSign: false, parse: 'datetime', priority: rule.priority };
  }
  let assumedUnit = false;
  if (!info) {
    if (unit) return other(header, unit); // a unit we do not know: leave the column as written
    const implied = rule.unit ?? impliedUnit(key) ?? opts.defaults?.[kind] ?? DEFAULT_UNIT[kind];
    if (implied) {
      unit = implied;
      info = unitInfo(implied);
      // Time in s, volts, amperes, hertz, ohms and °C go without saying; a bare capacity does not.
      assumedUnit = CHARGE_KINDS.has(kind) && !rule.unit && !impliedUnit(key) && !opts.defaults?.[kind];
    }
  }
  // Maccor's "Step (Sec)", "Step (Min)": a step column written in a time unit is the step time.
  if (kind === 'step' && info?.dim === 'time') {
    return { name: header, kind: 'stepTime', sourceUnit: unit, factor: info.factor, offset: 0, flipSign: false, parse: info.parse ?? 'number', priority: rule.priority };
  }
  const dim = DIM_OF[kind];
  if (dim === 'none') {
    if (info && info.dim !== 'none') return other(header, unit);
    return { name: header, kind, sourceUnit: unit, factor: 1, offset: 0, flipSign: false, parse: 'number', priority: rule.priority };
  }
  if (!info || info.dim !== dim) return other(header, unit); // "Step (Sec)", "SpeCap/mAh/g"
  const flip = !!rule.flip;
  return {
    name: header, kind, sourceUnit: unit, factor: flip ? -info.factor : info.factor, offset: info.offset ?? 0, flipSign: flip,
    parse: info.parse ?? rule.parse ?? 'number', priority: rule.priority, assumedUnit: assumedUnit || undefined,
  };
}

function impliedUnit(key: string): string | undefined {
  if (key === 'amps' || key === 'amp') return 'A';
  if (key === 'volts' || key === 'volt') return 'V';
  if (key === 'amp-hr') return 'Ah';
  return undefined;
}

/** Header names a missing kind is usually written as, for messages. */
export const TYPICAL_NAME: Record<ColumnKind, string> = {
  time: 'time/s', voltage: 'Ewe/V', current: 'I/mA', charge: '(Q-Qo)/mA.h', chargeCapacity: 'Charge_Capacity',
  dischargeCapacity: 'Discharge_Capacity', cycle: 'cycle number', step: 'Ns', frequency: 'freq/Hz', zReal: 'Re(Z)/Ohm',
  zImag: '-Im(Z)/Ohm', temperature: 'Temperature/°C', chargeEnergy: 'Charge_Energy', dischargeEnergy: 'Discharge_Energy', power: 'P/W',
  dateTime: 'Date_Time', stepTime: 'Step_Time', index: 'Data_Point', halfCycle: 'half cycle', stepType: 'Step Type', auxVoltage: 'V1',
  other: '',
};

export interface ResolveContext {
  file: string;
  /** The line of the column names, for messages. */
  columnLine: number;
  format: FormatId;
  mapping?: Partial<Record<ColumnKind, string>>;
  /** Units written apart from the names (Gamry), index-aligned. */
  units?: string[];
  defaults?: Partial<Record<ColumnKind, string>>;
}

/**
 * Classify every header, apply the spec's mapping (kind -> column name, optionally with a unit:
 * "Capacity (mAh)" picks the column "Capacity" and reads it in mAh), then keep one column per kind:
 * the mapped one, else the highest priority (the first on a tie); the others become 'other' and
 * keep their values as written.
 */
export function resolveColumns(headers: string[], ctx: ResolveContext): ColumnSpec[] {
  const specs = headers.map((h, i) => classifyColumn(h, { unit: ctx.units?.[i], defaults: ctx.defaults, format: ctx.format }));
  const forced = new Set<ColumnKind>();
  if (ctx.mapping) {
    for (const [kindKey, wanted] of Object.entries(ctx.mapping)) {
      const kind = kindKey as ColumnKind;
      if (!wanted || kind === 'other') continue;
      const { index, unit } = findMapped(headers, wanted);
      if (index < 0) {
        throw new DataError(ctx.file, ctx.columnLine,
          `the spec maps ${kind} to the column '${shownName(wanted)}', but line ${ctx.columnLine} has no such column (columns: ${nameList(headers.filter((h) => h.trim()), 'none', MAX_COLUMN_NAMES)})`);
      }
      const spec = forceKind(headers[index], kind, unit ?? ctx.units?.[index], ctx);
      // A mapped column no longer holds the kind it was guessed to be.
      specs[index] = spec;
      forced.add(kind);
    }
  }
  const best = new Map<ColumnKind, number>();
  specs.forEach((s, i) => {
    if (s.kind === 'other') return;
    const b = best.get(s.kind);
    if (forced.has(s.kind)) {
      if (s.priority === Infinity) best.set(s.kind, i);
      return;
    }
    if (b === undefined || s.priority > specs[b].priority) best.set(s.kind, i);
  });
  return specs.map((s, i) => (s.kind === 'other' || best.get(s.kind) === i ? s : other(s.name, s.sourceUnit, s.parse === 'datetime' || s.parse === 'duration' ? s.parse : 'number')));
}

function findMapped(headers: string[], wanted: string): { index: number; unit?: string } {
  const w = wanted.trim();
  let index = headers.findIndex((h) => h.trim() === w);
  if (index < 0) index = headers.findIndex((h) => h.trim().toLowerCase() === w.toLowerCase());
  if (index >= 0) return { index };
  // "Capacity (mAh)" for a column written "Capacity": the spec supplies the unit.
  const { name, unit } = splitNameUnit(w);
  if (unit) {
    index = headers.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
    if (index >= 0) return { index, unit };
  }
  return { index: -1 };
}

function forceKind(header: string, kind: ColumnKind, unitOverride: string | undefined, ctx: ResolveContext): ColumnSpec {
  const split = splitNameUnit(header);
  let unit = unitOverride?.trim() || split.unit;
  const guess = classifyColumn(header, { unit: unitOverride, defaults: ctx.defaults, format: ctx.format });
  if (guess.kind === kind && !unitOverride) return { ...guess, priority: Infinity };
  const dim = DIM_OF[kind];
  let info = unit ? unitInfo(unit) : undefined;
  if (kind === 'temperature' && unit && /^c$/i.test(unit)) info = unitInfo('°C');
  let assumedUnit: boolean | undefined;
  if (!unit) {
    unit = ctx.defaults?.[kind] ?? DEFAULT_UNIT[kind] ?? '';
    info = unit ? unitInfo(unit) : undefined;
    assumedUnit = CHARGE_KINDS.has(kind) || undefined;
  }
  if (dim === 'none') {
    return { name: header, kind, sourceUnit: unit, factor: 1, offset: 0, flipSign: false, parse: 'number', priority: Infinity };
  }
  if (kind === 'time' && guess.parse === 'datetime') return { ...guess, kind, priority: Infinity };
  if (!info || info.dim !== dim) {
    throw new DataError(ctx.file, ctx.columnLine,
      `the spec maps ${kind} to the column '${shownName(header)}', but its unit '${shownName(unit)}' is not a unit of ${kind}`);
  }
  const flip = kind === 'zImag' && /^\s*-/.test(split.name);
  return {
    name: header, kind, sourceUnit: unit, factor: flip ? -info.factor : info.factor, offset: info.offset ?? 0, flipSign: flip,
    parse: info.parse ?? 'number', priority: Infinity, assumedUnit,
  };
}
