/**
 * Units and dimensional analysis: the one unit vocabulary of the project.
 *
 * It knows its context. In a spec ('spec') "C" is the C-rate, the way the field writes rates
 * (0.3 C). In data ('data': instrument column units and the analyses' SI units) "C" is the
 * coulomb, as in "C/m²" or a column "Q/mC". Everything else is read the same in both.
 *
 * A unit text is a product of factors ("mA h", "mA·h", "mA*h", "mA.h"), optionally divided
 * ("mAh/cm²"; a/b/c = a/(b·c)). Each factor is a symbol, maybe with an SI prefix, maybe with an
 * integer power ("cm2", "cm^2", "cm²", "s⁻¹", "cm-2"). Values convert to SI as
 * si = value * factor + offset; only a lone °C has an offset.
 */

/** Exponents over the base dimensions [length, mass, time, current, temperature, amount, c-rate]. */
export type Dim = readonly [number, number, number, number, number, number, number];

export interface Unit {
  /** As written, e.g. "mA h/cm2". */
  text: string;
  /** Normalised display text, e.g. "mAh/cm²". */
  canonical: string;
  /** SI value = value * factor + offset. */
  factor: number;
  /** Non-zero only for a lone °C (273.15). */
  offset: number;
  dim: Dim;
}

type Exps = { L?: number; M?: number; T?: number; I?: number; K?: number; N?: number; C?: number };
function d(e: Exps): Dim {
  return Object.freeze([e.L ?? 0, e.M ?? 0, e.T ?? 0, e.I ?? 0, e.K ?? 0, e.N ?? 0, e.C ?? 0] as const);
}

export const DIM: { [name: string]: Dim } = {
  dimensionless: d({}),
  length: d({ L: 1 }),
  area: d({ L: 2 }),
  volume: d({ L: 3 }),
  mass: d({ M: 1 }),
  time: d({ T: 1 }),
  current: d({ I: 1 }),
  currentDensity: d({ L: -2, I: 1 }),
  specificCurrent: d({ M: -1, I: 1 }),
  charge: d({ T: 1, I: 1 }),
  arealCapacity: d({ L: -2, T: 1, I: 1 }),
  specificCapacity: d({ M: -1, T: 1, I: 1 }),
  voltage: d({ L: 2, M: 1, T: -3, I: -1 }),
  resistance: d({ L: 2, M: 1, T: -3, I: -2 }),
  arealResistance: d({ L: 4, M: 1, T: -3, I: -2 }),
  conductance: d({ L: -2, M: -1, T: 3, I: 2 }),
  conductivity: d({ L: -3, M: -1, T: 3, I: 2 }),
  capacitance: d({ L: -2, M: -1, T: 4, I: 2 }),
  energy: d({ L: 2, M: 1, T: -2 }),
  power: d({ L: 2, M: 1, T: -3 }),
  specificEnergy: d({ L: 2, T: -2 }),
  molarEnergy: d({ L: 2, M: 1, T: -2, N: -1 }),
  // Also energy density (J/m³ = Pa); the dimensions cannot tell them apart.
  pressure: d({ L: -1, M: 1, T: -2 }),
  temperature: d({ K: 1 }),
  density: d({ L: -3, M: 1 }),
  molarMass: d({ M: 1, N: -1 }),
  amount: d({ N: 1 }),
  concentration: d({ L: -3, N: 1 }),
  diffusivity: d({ L: 2, T: -1 }),
  frequency: d({ T: -1 }),
  velocity: d({ L: 1, T: -1 }),
  cRate: d({ C: 1 }),
  massLoading: d({ L: -2, M: 1 }),
};

/** Human name and the spellings users commonly type (most common first), per DIM entry. */
const INFO: { [key: string]: [name: string, units: string[]] } = {
  dimensionless: ['dimensionless', ['%', 'wt%', 'ppm']],
  length: ['length', ['µm', 'mm', 'cm', 'nm']],
  area: ['area', ['cm²', 'mm²']],
  volume: ['volume', ['mL', 'µL', 'cm³', 'L']],
  mass: ['mass', ['mg', 'g', 'µg', 'kg']],
  time: ['time', ['h', 'min', 's']],
  current: ['current', ['mA', 'µA', 'A']],
  currentDensity: ['current density', ['mA/cm²', 'µA/cm²', 'A/cm²']],
  specificCurrent: ['specific current', ['mA/g', 'A/g']],
  charge: ['charge', ['mAh', 'µAh', 'Ah']],
  arealCapacity: ['areal capacity', ['mAh/cm²', 'µAh/cm²']],
  specificCapacity: ['specific capacity', ['mAh/g', 'Ah/kg']],
  voltage: ['voltage', ['V', 'mV']],
  resistance: ['resistance', ['Ω', 'mΩ', 'kΩ']],
  arealResistance: ['areal resistance', ['Ω·cm²']],
  conductance: ['conductance', ['S', 'mS']],
  conductivity: ['conductivity', ['mS/cm', 'S/cm']],
  capacitance: ['capacitance', ['µF', 'F']],
  energy: ['energy', ['mWh', 'Wh', 'J', 'eV']],
  power: ['power', ['mW', 'W']],
  specificEnergy: ['specific energy', ['Wh/kg']],
  molarEnergy: ['molar energy', ['kJ/mol']],
  pressure: ['pressure', ['MPa', 'kPa', 'bar']],
  temperature: ['temperature', ['°C', 'K']],
  density: ['density', ['g/cm³', 'kg/m³']],
  molarMass: ['molar mass', ['g/mol']],
  amount: ['amount', ['mol', 'mmol']],
  concentration: ['concentration', ['mol/cm³', 'mol/L', 'mmol/L']],
  diffusivity: ['diffusion coefficient', ['cm²/s', 'm²/s']],
  frequency: ['frequency', ['Hz', 'kHz', 'MHz', 'mHz']],
  velocity: ['velocity', ['µm/h', 'm/s']],
  cRate: ['C-rate', ['C']],
  massLoading: ['mass loading', ['mg/cm²']],
};

const dimKey = (dim: Dim): string => dim.join(',');
const BY_DIM = new Map<string, [string, string[]]>(Object.keys(INFO).map((k) => [dimKey(DIM[k]), INFO[k]]));

/**
 * A symbol: factor to SI = mant * 10^exp10. Keeping the decimal exponent apart from the
 * integer mantissa makes prefixed units exact (mA/cm² is exactly 10 A/m²).
 */
interface Sym {
  canon: string;
  mant: number;
  exp10: number;
  dim: Dim;
  prefixable: boolean;
  offset?: number;
}

const SYMBOLS = new Map<string, Sym>();
function sym(names: string[], dim: Dim, prefixable: boolean, exp10 = 0, mant = 1, offset?: number): void {
  for (const n of names) SYMBOLS.set(n, { canon: names[0], mant, exp10, dim, prefixable, offset });
}
// Prefixable.
sym(['m'], DIM.length, true);
sym(['g'], DIM.mass, true, -3); // SI mass is the kilogram
sym(['s'], DIM.time, true);
sym(['A'], DIM.current, true);
sym(['V'], DIM.voltage, true);
sym(['Ω', '\u2126', 'ohm', 'Ohm'], DIM.resistance, true); // U+2126 is the ohm sign
sym(['Hz'], DIM.frequency, true);
sym(['Pa'], DIM.pressure, true);
sym(['mol'], DIM.amount, true);
sym(['K'], DIM.temperature, true);
sym(['L'], DIM.volume, true, -3);
sym(['W'], DIM.power, true);
sym(['J'], DIM.energy, true);
sym(['S'], DIM.conductance, true);
sym(['F'], DIM.capacitance, true);
sym(['Ah'], DIM.charge, true, 0, 3600);
sym(['Wh'], DIM.energy, true, 0, 3600);
sym(['eV'], DIM.energy, true, -19, 1.602176634); // electronvolt (activation energies), exact since 2019
// Not prefixable.
sym(['min'], DIM.time, false, 0, 60);
sym(['h'], DIM.time, false, 0, 3600);
sym(['d'], DIM.time, false, 0, 86400); // day; "d" before another symbol is deci
sym(['bar'], DIM.pressure, false, 5);
sym(['°C', 'degC', '℃'], DIM.temperature, false, 0, 1, 273.15);
sym(['%'], DIM.dimensionless, false, -2);
sym(['wt%'], DIM.dimensionless, false, -2); // mass fraction
sym(['ppm'], DIM.dimensionless, false, -6);
sym(['C'], DIM.cRate, false); // C-rate, not coulomb (in a spec)

/** In data, C is the coulomb (prefixable: mC, µC) and a few symbols only instruments write. */
const DATA_SYMBOLS = new Map<string, Sym>();
const coulomb: Sym = { canon: 'C', mant: 1, exp10: 0, dim: DIM.charge, prefixable: true };
DATA_SYMBOLS.set('C', coulomb);
// Plane angle (Phase(Z)/deg) and counts (Cyc#): dimensionless.
for (const n of ['deg', '°']) DATA_SYMBOLS.set(n, { canon: '°', mant: Math.PI / 180, exp10: 0, dim: DIM.dimensionless, prefixable: false });
DATA_SYMBOLS.set('#', { canon: '#', mant: 1, exp10: 0, dim: DIM.dimensionless, prefixable: false });

export type UnitContext = 'spec' | 'data';

function symbol(name: string, context: UnitContext): Sym | undefined {
  return (context === 'data' ? DATA_SYMBOLS.get(name) : undefined) ?? SYMBOLS.get(name);
}

/** SI prefixes; u and Greek mu (U+03BC) are written for micro and shown as µ (U+00B5). */
const PREFIXES: { [p: string]: [canon: string, exp10: number] } = {
  p: ['p', -12], n: ['n', -9], µ: ['µ', -6], μ: ['µ', -6], u: ['µ', -6],
  m: ['m', -3], c: ['c', -2], d: ['d', -1], k: ['k', 3], M: ['M', 6], G: ['G', 9],
};

const SUPER_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
function superscript(p: number): string {
  if (p === 1) return '';
  return (p < 0 ? '⁻' : '') + [...String(Math.abs(p))].map((c) => SUPER_DIGITS[+c]).join('');
}

interface Factor {
  prefix: string; // canonical prefix, '' if none
  sym: Sym;
  power: number;
}

/** Symbol with optional power: ^n, trailing (signed) digits, or superscripts. */
const FACTOR = /^(.+?)(?:\^([+-]?\d+)|(-?\d+)|(⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/;

function parseFactor(atom: string, context: UnitContext): Factor | string {
  const m = FACTOR.exec(atom)!;
  const name = m[1];
  let power = 1;
  if (m[2] !== undefined) power = Number(m[2]);
  else if (m[3] !== undefined) power = Number(m[3]);
  else if (m[4] !== undefined) {
    const digits = [...m[4].replace('⁻', '')].map((c) => SUPER_DIGITS.indexOf(c)).join('');
    power = (m[4].startsWith('⁻') ? -1 : 1) * Number(digits);
  }
  // Whole-name match first, so "m", "min", "mol", "Pa", "h", "d" keep their unprefixed reading.
  const whole = symbol(name, context);
  if (whole) return { prefix: '', sym: whole, power };
  const pre = PREFIXES[name[0]];
  const rest = symbol(name.slice(1), context);
  if (pre && rest) {
    if (rest.prefixable) return { prefix: pre[0], sym: rest, power };
    if (rest.canon === 'C') return `unknown unit "${name}": coulomb is not supported ("C" alone is the C-rate)`;
    return `unknown unit "${name}" (${rest.canon} takes no prefix)`;
  }
  return `unknown unit "${name}"`;
}

/** Separators between factors, captured so "/" can be told apart from products. */
const SEPARATOR = /(\s*[/·⋅*.]\s*|\s+)/;

// Units are few and re-read constantly (every quantity, every formatted value): parse each once.
const parsed: Record<UnitContext, Map<string, Unit | { error: string }>> = { spec: new Map(), data: new Map() };

/** A unit as written in a spec (context 'spec', the default) or in data ('data': C is the coulomb). */
export function parseUnit(text: string, context: UnitContext = 'spec'): Unit | { error: string } {
  const cache = parsed[context];
  let u = cache.get(text);
  if (!u) {
    u = parseUnitUncached(text, context);
    if (cache.size < 10000 && text.length <= 40) cache.set(text, u);
  }
  return u;
}

function parseUnitUncached(text: string, context: UnitContext): Unit | { error: string } {
  const s = text.trim();
  if (s === '') return { error: 'empty unit' };
  const parts = s.split(SEPARATOR);
  const num: Factor[] = [];
  const den: Factor[] = [];
  let inDen = false;
  for (let k = 0; k < parts.length; k += 2) {
    if (k > 0 && parts[k - 1].includes('/')) inDen = true;
    const atom = parts[k];
    if (atom === '') return { error: `missing unit factor in "${s}"` };
    // "1/h": a bare 1 is allowed only as the numerator of a quotient.
    if (atom === '1' && k === 0 && parts.length > 1 && parts[1].includes('/')) continue;
    const f = parseFactor(atom, context);
    if (typeof f === 'string') return { error: f };
    (inDen ? den : num).push(f);
  }

  const dim = [0, 0, 0, 0, 0, 0, 0];
  let exp10 = 0;
  let mantNum = 1;
  let mantDen = 1;
  for (const [list, sign] of [[num, 1], [den, -1]] as const) {
    for (const f of list) {
      const e = sign * f.power;
      for (let i = 0; i < 7; i++) dim[i] += f.sym.dim[i] * e + 0; // "+ 0" turns -0 into 0
      exp10 += ((f.prefix ? PREFIXES[f.prefix][1] : 0) + f.sym.exp10) * e;
      if (e > 0) mantNum *= f.sym.mant ** e;
      else mantDen *= f.sym.mant ** -e;
    }
  }
  // An offset only makes sense for a temperature on its own; in "mV/°C" it is a difference.
  const lone = num.length === 1 && den.length === 0 && num[0].power === 1 ? num[0].sym.offset : undefined;
  return {
    text,
    canonical: canonicalText(num, den),
    factor: (mantNum / mantDen) * Number(`1e${exp10}`),
    offset: lone ?? 0,
    dim: dim as unknown as Dim,
  };
}

function canonicalText(num: Factor[], den: Factor[]): string {
  const side = (fs: Factor[]): string => {
    const out: string[] = [];
    for (let i = 0; i < fs.length; i++) {
      const f = fs[i];
      const next = fs[i + 1];
      // "mA h" and "mA·h" read as one symbol: mAh (likewise Wh).
      if ((f.sym.canon === 'A' || f.sym.canon === 'W') && f.power === 1 && next?.sym.canon === 'h' && next.power === 1) {
        out.push(f.prefix + f.sym.canon + 'h');
        i++;
      } else {
        out.push(f.prefix + f.sym.canon + superscript(f.power));
      }
    }
    return out.join('·');
  };
  const top = num.length ? side(num) : '1';
  return den.length ? `${top}/${side(den)}` : top;
}

export function isUnit(text: string, context: UnitContext = 'spec'): boolean {
  return !('error' in parseUnit(text, context));
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a.every((x, i) => x === b[i]);
}

const BASE_SYMBOLS = ['m', 'kg', 's', 'A', 'K', 'mol', 'C'];

/** A human name for common dimensions, else an SI expression such as "m³·s⁻¹". */
export function dimName(dim: Dim): string {
  const named = BY_DIM.get(dimKey(dim));
  if (named) return named[0];
  return dim
    .map((e, i) => (e === 0 ? '' : BASE_SYMBOLS[i] + superscript(e)))
    .filter((x) => x)
    .join('·');
}

export function toSI(value: number, unit: Unit): number {
  return value * unit.factor + unit.offset;
}

export function fromSI(si: number, unit: Unit): number {
  return (si - unit.offset) / unit.factor;
}

export function convert(value: number, from: Unit, to: Unit): number {
  if (!sameDim(from.dim, to.dim)) {
    throw new Error(`cannot convert ${from.canonical} (${dimName(from.dim)}) to ${to.canonical} (${dimName(to.dim)})`);
  }
  return fromSI(toSI(value, from), to);
}



/** Common spellings for a dimension, most common first; [] if there are none. */
export function unitsFor(dim: Dim): string[] {
  return [...(BY_DIM.get(dimKey(dim))?.[1] ?? [])];
}

// How the field reads SI values: one table, used by hovers, hints, the CLI's JSON and the
// preview (stable keys). The factors are computed from the vocabulary above, not typed in.
const DISPLAY: Record<string, string> = {
  'A/m²': 'mA/cm²',
  'C/m²': 'mAh/cm²',
  'm²/s': 'cm²/s',
  'C': 'mAh',
  'C/kg': 'mAh/g',
  'A': 'mA',
  'm²': 'cm²',
  'kg': 'mg',
  'Ω·m²': 'Ω·cm²',
  'S/m': 'mS/cm',
  'mol/m³': 'mol/cm³',
  'S·K/m': 'S·K/cm',
  'C/kg/V': 'mAh/g/V',
  'C/m²/V': 'mAh/cm²/V',
};

const displays = new Map<string, { unit: string; factor: number }>();

/** The display unit of an SI unit (read in the data context: C is the coulomb) and its factor; itself when shown as is. */
export function displayOf(siUnit: string): { unit: string; factor: number } {
  let d = displays.get(siUnit);
  if (!d) {
    const from = parseUnit(siUnit, 'data');
    const target = 'error' in from ? undefined : Object.keys(DISPLAY).find((k) => sameUnit(parseUnit(k, 'data'), from));
    const to = target && parseUnit(DISPLAY[target], 'data');
    d = to && !('error' in to) && !('error' in from) ? { unit: DISPLAY[target!], factor: convert(1, from, to) } : { unit: siUnit, factor: 1 };
    displays.set(siUnit, d);
  }
  return d;
}

const sameUnit = (a: Unit | { error: string }, b: Unit): boolean => !('error' in a) && sameDim(a.dim, b.dim) && a.factor === b.factor && a.offset === b.offset;

